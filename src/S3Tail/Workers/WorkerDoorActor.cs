using Akka.Actor;
using Akka.Cluster;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Workers;

/// <summary>
/// A worker node's door (<c>/user/door</c>): a run's node that holds the secret (TLS has proved
/// it before any message arrives) sends <see cref="JoinRun"/>. The door answers it
/// (<see cref="JoinAnswer"/>): refused when the run speaks another protocol version or reads
/// what this worker's <see cref="WorkerScope"/> does not allow, busy when it serves another run,
/// else accepted — and then the worker joins that run's cluster and, once it is a member, starts
/// an agent pulling from the run's dispatcher. One run at a time. When the run's dispatcher is
/// gone (the run ended, or its node died) the door tells its host, which makes a fresh node for
/// the next run (an Akka node cannot join a second cluster).
/// </summary>
internal sealed class WorkerDoorActor : ReceiveActor
{
    private readonly int _slots;
    private readonly Func<SourceSpec, IObjectSource> _open;
    private readonly ObjectCache? _cache;
    private readonly SpoolFolder _spool;
    private readonly ILog _log;
    private readonly TaskCompletionSource _runEnded;
    private readonly WorkerScope _scope;
    private IActorRef? _dispatcher;

    public WorkerDoorActor(int slots, Func<SourceSpec, IObjectSource> open, ObjectCache? cache, SpoolFolder spool, ILog log, TaskCompletionSource runEnded,
        WorkerScope scope)
    {
        _scope = scope;
        _slots = slots;
        _open = open;
        _cache = cache;
        _spool = spool;
        _log = log;
        _runEnded = runEnded;
        Receive<JoinRun>(OnJoin);
        Receive<ClusterEvent.MemberUp>(m =>
        {
            if (_dispatcher is null || m.Member.Address != Cluster.Get(Context.System).SelfAddress) return;
            Context.Watch(_dispatcher);
            Context.ActorOf(WorkerAgentActor.Props(_dispatcher, _slots, _open, _cache, _spool, _log, _scope), "agent");
            _log.Info($"working for the run at {_dispatcher.Path.Address}");
        });
        Receive<Terminated>(t =>
        {
            if (t.ActorRef.Equals(_dispatcher)) RunEnded("ended");
        });
        // A run's node that ends leaves the cluster: this worker is free at once, ready for the next run.
        Receive<ClusterEvent.MemberExited>(m => RunNodeGone(m.Member, "ended"));
        Receive<ClusterEvent.MemberRemoved>(m => RunNodeGone(m.Member, "ended"));
        // A run's node killed outright is never removed from the cluster (nothing downs it): unreachable is the end.
        Receive<ClusterEvent.UnreachableMember>(m => RunNodeGone(m.Member, "is unreachable"));
    }

    public static Props Props(int slots, Func<SourceSpec, IObjectSource> open, ObjectCache? cache, SpoolFolder spool, ILog log, TaskCompletionSource runEnded,
        WorkerScope? scope = null)
    {
        scope ??= WorkerScope.Default;
        return Akka.Actor.Props.Create(() => new WorkerDoorActor(slots, open, cache, spool, log, runEnded, scope));
    }

    private void RunNodeGone(Member member, string how)
    {
        if (_dispatcher is not null && member.Address == _dispatcher.Path.Address) RunEnded(how);
    }

    private void RunEnded(string how)
    {
        if (_runEnded.Task.IsCompleted) return;
        _log.Info($"the run at {_dispatcher!.Path.Address} {how}");
        _runEnded.TrySetResult();
    }

    private void OnJoin(JoinRun request)
    {
        string? refusal = request.Protocol != WorkerProtocol.Version
            ? $"it speaks worker protocol {WorkerProtocol.Version} (s3tail {WorkerProtocol.Software}), the run protocol {request.Protocol} (s3tail {request.Software})"
            : request.Source is { } source ? _scope.RefusalOf(source, request.Prefix) : "the run named nothing to read";
        if (refusal is not null)
        {
            _log.Warn($"refused the run at {request.Dispatcher.Path.Address}: {refusal}");
            Answer(request, JoinOutcome.Refused, refusal);
            return;
        }
        if (_dispatcher is not null)
        {
            // Serving a run already: the other run goes without this worker.
            Answer(request, _dispatcher.Equals(request.Dispatcher) ? JoinOutcome.Accepted : JoinOutcome.Busy, "");
            return;
        }
        Answer(request, JoinOutcome.Accepted, "");
        _dispatcher = request.Dispatcher;
        var cluster = Cluster.Get(Context.System);
        cluster.Subscribe(Self, ClusterEvent.InitialStateAsEvents, typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.UnreachableMember),
            typeof(ClusterEvent.MemberExited), typeof(ClusterEvent.MemberRemoved));
        cluster.Join(request.Dispatcher.Path.Address);
    }

    private void Answer(JoinRun request, JoinOutcome outcome, string reason) =>
        request.Dispatcher.Tell(new JoinAnswer(WorkerProtocol.Version, WorkerProtocol.Software, outcome, reason), Self);
}
