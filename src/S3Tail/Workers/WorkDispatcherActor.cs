using Akka.Actor;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Workers;

/// <summary>
/// The run's node's side of the protocol, standing where the downloader pool stands in a
/// one-machine run: the lister hands it <see cref="FetchObject"/>s under the usual credit, and it
/// gives them to whoever pulls — the run's own downloaders (which report back here) and the
/// workers' agents (<see cref="WantWork"/>) — keeping in a <see cref="WorkLedger{TWork}"/> who
/// holds what. A worker's chunks are put together here and handed to the sequencer as the
/// object's content; a worker declared lost (<see cref="WorkerLost"/>) gives its objects back to
/// be fetched again elsewhere, and its late answers are dropped, so no line is lost or repeated.
/// Nothing is given out, to anyone, before the recruiter has checked every worker
/// (<see cref="WorkersChecked"/>): a run a worker refuses must fail having fetched nothing.
/// </summary>
public sealed class WorkDispatcherActor : ReceiveActor
{
    /// <summary>The run's own downloaders' name in the ledger.</summary>
    public const string Local = "local";

    private readonly WorkLedger<FetchObject> _ledger = new();
    private readonly IActorRef _sequencer;
    private readonly SourceSpec _source;
    private readonly Filtering.GrepSpec? _filter;
    private readonly ILog _log;
    private readonly Dictionary<string, (IActorRef Agent, int Demand)> _workers = new();
    private readonly Dictionary<long, ObjectAssembly> _assembling = new();
    private readonly SpoolFolder _spool;
    private readonly Dictionary<long, WorkKept> _kept = new();
    private readonly WorkTally _tally;
    private IActorRef _localPool = ActorRefs.Nobody;
    private int _localFree;
    private bool _checked;

    public WorkDispatcherActor(IActorRef sequencer, SourceSpec source, Filtering.GrepSpec? filter, int localSlots, SpoolFolder spool, ILog log,
        WorkTally tally)
    {
        _tally = tally;
        _spool = spool;
        _sequencer = sequencer;
        _source = source;
        _filter = filter;
        _localFree = localSlots;
        _log = log;

        Receive<WorkersChecked>(_ => { _checked = true; Dispatch(); });
        Receive<AttachLocalPool>(m => { _localPool = m.Pool; Dispatch(); });
        Receive<FetchObject>(m => { _ledger.Add(m.Seq, m); Dispatch(); });
        // The run's own downloaders report here; their results go on to the sequencer.
        Receive<ObjectFetched>(m => LocalDone(m.Seq, m));
        Receive<FetchFailed>(m => LocalDone(m.Seq, m));
        Receive<WantWork>(m =>
        {
            string id = WorkerId(Sender);
            var known = _workers.TryGetValue(id, out var w) ? w : (Sender, 0);
            if (!_workers.ContainsKey(id)) _log.Info($"worker {Sender.Path.Address} joined the run");
            _workers[id] = (Sender, known.Item2 + m.Count);
            Dispatch();
        });
        Receive<WorkKept>(m =>
        {
            if (_ledger.Holds(WorkerId(Sender), m.Seq, out _)) _kept[m.Seq] = m;
        });
        Receive<WorkChunk>(OnChunk);
        Receive<WorkFailed>(m =>
        {
            if (!_ledger.Complete(WorkerId(Sender), m.Seq, out var fetch)) return;   // a late answer from a worker given up for lost
            Abandon(m.Seq);
            _sequencer.Tell(new FetchFailed(m.Seq, fetch.Object, S3TailException.Runtime(m.Message), fetch.Placement));
        });
        Receive<WorkerLost>(m =>
        {
            foreach (var id in _workers.Keys.Where(id => OnNode(id, m.Worker)).ToList()) Lose(id);
        });
        Receive<AllWorkersLost>(_ => { foreach (var id in _workers.Keys.ToList()) Lose(id); });
    }

    public static Props Props(IActorRef sequencer, SourceSpec source, Filtering.GrepSpec? filter, int localSlots, SpoolFolder spool, ILog log,
        WorkTally? tally = null)
    {
        tally ??= new WorkTally([]);
        return Akka.Actor.Props.Create(() => new WorkDispatcherActor(sequencer, source, filter, localSlots, spool, log, tally));
    }

    /// <summary>A worker's name in the ledger: its agent's path, which starts with its node's address.</summary>
    public static string WorkerId(IActorRef agent) => agent.Path.ToString();

    /// <summary>Whether the worker <paramref name="id"/> is on the node <paramref name="node"/> (an address, or an id itself).</summary>
    private static bool OnNode(string id, string node) => id == node || id.StartsWith(node.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>A worker's node, for messages: the address part of its id.</summary>
    private static string NodeOf(string id) => ActorPath.TryParse(id, out var path) ? path.Address.ToString() : id;

    private void OnChunk(WorkChunk chunk)
    {
        // Every chunk is acknowledged, kept or not: the worker sends the next ones as these arrive.
        Sender.Tell(new ChunkAck(chunk.Seq));
        string id = WorkerId(Sender);
        if (!_ledger.Holds(id, chunk.Seq, out var fetch)) return;   // not this worker's (any more)
        if (!_assembling.TryGetValue(chunk.Seq, out var assembly))
            _assembling[chunk.Seq] = assembly = new ObjectAssembly(fetch.Object, _spool);
        assembly.Add(chunk.Bytes);
        if (!chunk.Last) return;
        _assembling.Remove(chunk.Seq);
        _ledger.Complete(id, chunk.Seq);
        var content = assembly.Finish();
        if (_kept.Remove(chunk.Seq, out var kept))
            content = new FilteredContent(content, Decoding.LineMap.FromRuns(kept.MapRuns), kept.ExaminedThrough);
        else if (_filter is not null)
        {
            content.Release();
            _sequencer.Tell(new FetchFailed(chunk.Seq, fetch.Object,
                S3TailException.Runtime($"worker {id} sent '{fetch.Object.Key}' unfiltered (a worker of another version?)"), fetch.Placement));
            return;
        }
        _tally.Fetched(ActorPath.TryParse(id, out var path) ? $"{path.Address.Host}:{path.Address.Port}" : id);
        _sequencer.Tell(new ObjectFetched(chunk.Seq, fetch.Object, content, fetch.Placement));
    }

    /// <summary>Drops what arrived of object <paramref name="seq"/> from a worker.</summary>
    private void Abandon(long seq)
    {
        if (_assembling.Remove(seq, out var assembly)) assembly.Dispose();
        _kept.Remove(seq);
    }

    private void LocalDone(long seq, object outcome)
    {
        if (_ledger.Complete(Local, seq))
        {
            _localFree++;
            if (outcome is ObjectFetched) _tally.Fetched(WorkTally.Here);
            _sequencer.Tell(outcome);
        }
        Dispatch();
    }

    private void Lose(string worker)
    {
        if (!_workers.Remove(worker)) return;
        var back = _ledger.Lost(worker);
        foreach (long seq in back) Abandon(seq);
        _log.Warn(back.Count == 0
            ? $"worker {NodeOf(worker)} left the run"
            : $"worker {NodeOf(worker)} left the run holding {back.Count} object(s); fetching them again elsewhere");
        if (_workers.Count == 0) _log.Warn("no worker is left: the run goes on with this machine's downloaders alone");
        Dispatch();
    }

    protected override void PostStop()
    {
        foreach (var assembly in _assembling.Values) assembly.Dispose();
        _assembling.Clear();
        base.PostStop();
    }

    /// <summary>Gives waiting objects to whoever asked: workers first (they asked), then the run's own free slots.</summary>
    private void Dispatch()
    {
        if (!_checked) return;
        // One object at a time, each to the worker with the most free slots: when the window is
        // smaller than the workers' slots, none of them is left idle behind the first to join.
        while (_ledger.Waiting > 0 && _workers.Count > 0)
        {
            var (id, (agent, demand)) = _workers.MaxBy(w => w.Value.Demand);
            if (demand == 0) break;
            var (seq, fetch) = _ledger.Take(id, 1)[0];
            agent.Tell(new Work(seq, _source, fetch.Object, fetch.Placement.SkipLines, _filter));
            _workers[id] = (agent, demand - 1);
        }
        if (_localPool.IsNobody()) return;
        foreach (var (_, fetch) in _ledger.Take(Local, _localFree))
        {
            _localFree--;
            _localPool.Tell(fetch);
        }
    }
}

/// <summary>Run's node → dispatcher: the run's own downloader pool (made after the dispatcher, since it reports to it).</summary>
public sealed record AttachLocalPool(IActorRef Pool);

/// <summary>
/// Recruiter → dispatcher: every --workers address has been looked at and no worker refused the
/// run; objects may be given out from now on (to workers and to this machine's downloaders).
/// </summary>
public sealed record WorkersChecked;

/// <summary>Run's coordinator → dispatcher: the run's cluster node stopped; every worker is gone with it.</summary>
public sealed record AllWorkersLost;

/// <summary>Cluster watcher → dispatcher: this worker (its node's address) is unreachable or gone.</summary>
public sealed record WorkerLost(string Worker);
