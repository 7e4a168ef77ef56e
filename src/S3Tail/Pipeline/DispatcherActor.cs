using Akka.Actor;
using S3Tail.Logging;

namespace S3Tail.Pipeline;

/// <summary>
/// The one way objects go out, in every run: the lister hands it <see cref="FetchObject"/>s under
/// its credit, and it gives them, lowest first, to whoever pulls (<see cref="WantWork"/>) — this
/// machine's downloaders, its children, and the agents of any workers — while the prefetch window
/// (<see cref="DispatchWindow"/>, which it alone owns) has room. Outcomes come back here and go
/// on to the sequencer: a downloader's as they are, a worker's chunks put together
/// (<see cref="WorkerAnswers"/>). A <see cref="WorkLedger{TWork}"/> keeps who holds what: a
/// downloader that stops (it is watched) or a worker declared lost gives its objects back to be
/// given out again, and a late answer from it is dropped, so no line is lost or repeated.
/// With workers, nothing is given out, to anyone, before they are checked
/// (<see cref="WorkersChecked"/>): a run a worker refuses must fail having fetched nothing; and
/// each node takes an object only while it has room for it at its measured rate (<see cref="NodeShares"/>).
/// </summary>
internal sealed partial class DispatcherActor : ReceiveActor
{
    private readonly DispatchSettings _settings;
    private readonly WorkLedger<FetchObject> _ledger = new();
    private readonly DispatchWindow _window;
    private readonly WorkerAnswers _answers;
    private readonly WorkTally? _tally;    // with workers: who fetched how many
    private readonly NodeShares? _shares;  // with workers: how much each node may hold
    private readonly Dictionary<string, Puller> _pullers = new();
    private readonly HashSet<IActorRef> _downloaders = new();
    private IActorRef _lister = ActorRefs.Nobody;
    private bool _checked;
    private int _made;
    private int _reportedLimit;
    private int _creditOwed;   // credit for the lister that came before the lister was attached
    private readonly Dictionary<long, int> _stops = new();   // objects whose downloader stopped, and how often

    public DispatcherActor(DispatchSettings settings)
    {
        _settings = settings;
        _window = new DispatchWindow(settings.Prefetch);
        _tally = settings.Workers is { } workers ? new WorkTally(workers.Addresses) : null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        _shares = settings.Workers is null ? null : new NodeShares(() => clock.Elapsed);
        _answers = new WorkerAnswers(settings, _ledger, Fetched);
        _checked = settings.Workers is null;
        _reportedLimit = _window.Limit;

        Receive<WorkersChecked>(_ => { _checked = true; Dispatch(); });
        Receive<AttachLister>(m =>
        {
            _lister = m.Lister;
            if (_creditOwed > 0) _lister.Tell(new CreditReturned(_creditOwed));
            _creditOwed = 0;
        });
        Receive<FetchObject>(m =>
        {
            _ledger.Add(m.Seq, m);
            _window.Listed(m.Object.Size);
            Dispatch();
            ReportWindow();
        });
        Receive<CreditReturned>(m =>
        {
            _window.Written(m.Count);
            ReportWindow();
            if (_lister.IsNobody()) _creditOwed += m.Count;
            else _lister.Tell(m);
            Dispatch();
        });
        Receive<FetchThrottled>(_ => { _window.Throttled(); ReportWindow(); });
        Receive<ObjectFetched>(m => DownloaderDone(m.Seq, m));
        Receive<FetchFailed>(m => DownloaderDone(m.Seq, m));
        Receive<WantWork>(m =>
        {
            string id = WorkerId(Sender);
            bool local = _downloaders.Contains(Sender);
            if (!local && Sender.Path.Parent.Equals(Self.Path)) return;   // a downloader that has stopped since
            if (!_pullers.TryGetValue(id, out var puller))
            {
                if (!local) settings.Log.Info($"worker {Sender.Path.Address} joined the run");
                puller = new Puller(Sender, 0, local);
            }
            _pullers[id] = puller with { Demand = puller.Demand + m.Count };
            Dispatch();
        });
        Receive<WorkKept>(m => _answers.Kept(WorkerId(Sender), m));
        Receive<WorkChunk>(m =>
        {
            // Every chunk is acknowledged, kept or not: the worker sends the next ones as these arrive.
            Sender.Tell(new ChunkAck(m.Seq));
            FromWorker(m.Seq, id => _answers.Chunk(id, m));
        });
        Receive<WorkFailed>(m => FromWorker(m.Seq, id => _answers.Failed(id, m)));
        Receive<WorkerLost>(m =>
        {
            foreach (var id in _pullers.Where(p => !p.Value.Local && OnNode(p.Key, m.Worker)).Select(p => p.Key).ToList()) Lose(id, local: false);
        });
        Receive<AllWorkersLost>(_ =>
        {
            foreach (var id in _pullers.Where(p => !p.Value.Local).Select(p => p.Key).ToList()) Lose(id, local: false);
        });
        Receive<Terminated>(m =>
        {
            if (!_downloaders.Remove(m.ActorRef)) return;
            GiveUpOnRepeatedStops(WorkerId(m.ActorRef));
            Lose(WorkerId(m.ActorRef), local: true);
            if (!settings.Stopping.IsCancellationRequested) StartDownloader();
        });
    }

    public static Props Props(DispatchSettings settings) => Akka.Actor.Props.Create(() => new DispatcherActor(settings));

    /// <summary>A fetcher's name in the ledger: its path, which for a worker's agent starts with its node's address.</summary>
    public static string WorkerId(IActorRef fetcher) => fetcher.Path.ToString();

    /// <summary>Whether the worker <paramref name="id"/> is on the node <paramref name="node"/> (an address, or an id itself).</summary>
    private static bool OnNode(string id, string node) => id == node || id.StartsWith(node.TrimEnd('/') + "/", StringComparison.Ordinal);

    /// <summary>A worker's node, for messages: the address part of its id.</summary>
    private static string NodeOf(string id) => ActorPath.TryParse(id, out var path) ? path.Address.ToString() : id;

    protected override void PreStart()
    {
        if (_settings.Downloader is null) return;
        for (int i = 0; i < _settings.Downloaders; i++) StartDownloader();
    }

    private void StartDownloader()
    {
        var downloader = Context.ActorOf(_settings.Downloader!, $"downloader-{_made++}");
        Context.Watch(downloader);
        _downloaders.Add(downloader);
    }

    /// <summary>A crashed downloader is not restarted in place: it stops, and <see cref="Terminated"/> gives its object back.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    private void DownloaderDone(long seq, object outcome)
    {
        if (!_ledger.Complete(WorkerId(Sender), seq))
        {
            (outcome as ObjectFetched)?.Content.Release();   // a late answer: the object went to another
            return;
        }
        if (outcome is ObjectFetched) Fetched(WorkTally.Here);
        _settings.Sequencer.Tell(outcome);
        _shares?.Ended(WorkTally.Here, seq);
        Dispatch();
    }

    /// <summary>Handles a worker's answer about <paramref name="seq"/>; if that ended the worker's hold on it, the worker has room again.</summary>
    private void FromWorker(long seq, Action<string> handle)
    {
        string id = WorkerId(Sender);
        bool held = _ledger.Holds(id, seq, out _);
        handle(id);
        if (!held || _ledger.Holds(id, seq, out _)) return;
        _shares?.Ended(id, seq);
        Dispatch();
    }

    /// <summary>Counts an object fetched and tells the coordinator, before the sequencer hears of it: the last count arrives before the run's end.</summary>
    private void Fetched(string who)
    {
        if (_tally is null) return;
        _tally.Fetched(who);
        _settings.TallyTo?.Tell(new FetchTally(_tally.Counts()));
    }

    /// <summary>
    /// An object whose downloader stopped <see cref="MostStops"/> times is failed rather than
    /// given out again: a bug that crashes on that object would otherwise take every downloader in
    /// turn, forever. A downloader stopped from outside (once) only costs the object a second fetch.
    /// </summary>
    private void GiveUpOnRepeatedStops(string id)
    {
        foreach (long seq in _ledger.HeldBy(id).ToList())
        {
            int stops = _stops[seq] = _stops.GetValueOrDefault(seq) + 1;
            if (stops < MostStops || !_ledger.Complete(id, seq, out var fetch)) continue;
            _shares?.Returned(seq);
            _settings.Sequencer.Tell(new FetchFailed(seq, fetch.Object,
                S3TailException.Runtime($"internal error: the downloader fetching '{fetch.Object.Key}' stopped {stops} times"), fetch.Placement));
        }
    }

    public const int MostStops = 3;

    /// <summary>A fetcher is gone: what it held waits to be given out again.</summary>
    private void Lose(string id, bool local)
    {
        if (!_pullers.Remove(id) && !local) return;   // a worker given up already
        var back = _ledger.Lost(id);
        foreach (long seq in back)
        {
            _answers.Abandon(seq);
            _window.Returned(seq);
            _shares?.Returned(seq);
        }
        if (local)
        {
            if (back.Count > 0) _settings.Log.Warn($"a downloader stopped holding {back.Count} object(s); fetching them again");
        }
        else
        {
            _settings.Log.Warn(back.Count == 0
                ? $"worker {NodeOf(id)} left the run"
                : $"worker {NodeOf(id)} left the run holding {back.Count} object(s); fetching them again elsewhere");
            if (!_pullers.Values.Any(p => !p.Local))
                _settings.Log.Warn("no worker is left: the run goes on with this machine's downloaders alone");
        }
        Dispatch();
    }

    /// <summary>Gives waiting objects, lowest first, to whoever asked while the window has room: workers first (they asked), then downloaders.</summary>
    private void Dispatch()
    {
        if (!_checked || _settings.Stopping.IsCancellationRequested) return;
        while (_ledger.TryPeek(out var next) && _window.Admits(next.Object.Size) && NextPuller(next.Object.Size) is { } id)
        {
            var puller = _pullers[id];
            var (seq, fetch) = _ledger.Take(id, 1)[0];
            puller.Ref.Tell(puller.Local ? fetch : _settings.Workers!.WorkFor(fetch, _settings.Filter, _settings.Decoding));
            _pullers[id] = puller with { Demand = puller.Demand - 1 };
            _window.Given(seq, fetch.Object.Size);
            _shares?.Given(puller.Local ? WorkTally.Here : id, seq, fetch.Object.Size);
        }
    }

    private void ReportWindow()
    {
        if (_window.Limit == _reportedLimit) return;
        _reportedLimit = _window.Limit;
        Context.Parent.Tell(new PrefetchWindowChanged(_reportedLimit));
    }

    protected override void PostStop()
    {
        _answers.Dispose();
        base.PostStop();
    }
}
