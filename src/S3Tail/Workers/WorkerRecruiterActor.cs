using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using S3Tail.Logging;
using S3Tail.Pipeline;

namespace S3Tail.Workers;

/// <summary>
/// The run's node's link to its workers, on the run's cluster node: what the workers talk to. Every second it asks each worker that is not a member
/// yet to join (so a worker started mid-run gets work), turns a worker that becomes unreachable
/// or leaves into <see cref="WorkerLost"/> for the dispatcher (and downs it, so the cluster moves
/// on), and fails the run when a worker refuses its TLS identity: a run with the wrong secret
/// must not quietly run alone.
/// </summary>
public sealed class WorkerRecruiterActor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyList<string> _addresses;
    private readonly IActorRef _dispatcher;
    private readonly IActorRef _coordinator;
    private readonly ILog _log;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly HashSet<string> _members = new();
    private readonly HashSet<string> _everJoined = new();

    public WorkerRecruiterActor(IReadOnlyList<string> addresses, IActorRef dispatcher, IActorRef coordinator, ILog log)
    {
        _addresses = addresses;
        _dispatcher = dispatcher;
        _coordinator = coordinator;
        _log = log;
        Receive<RecruitDue>(_ => Recruit());
        // The workers talk to this actor (it is on the cluster node); the dispatcher is in the
        // pipeline's own system, in this process. Forwarded, so it still sees which worker spoke.
        Receive<WantWork>(m => _dispatcher.Forward(m));
        Receive<WorkChunk>(m => _dispatcher.Forward(m));
        Receive<WorkFailed>(m => _dispatcher.Forward(m));
        Receive<ClusterEvent.MemberUp>(m =>
        {
            if (!m.Member.HasRole("worker")) return;
            _members.Add(HostPort(m.Member.Address));
            _everJoined.Add(HostPort(m.Member.Address));
        });
        Receive<ClusterEvent.UnreachableMember>(m => Lost(m.Member));
        Receive<ClusterEvent.MemberRemoved>(m => Lost(m.Member));
        Receive<AssociationErrorEvent>(e =>
        {
            // Refused: the worker's certificate failed our check of the secret's key (TLS's own
            // AuthenticationException), and it never was in this run. Other failures — a worker
            // not started yet, one dying, two connections crossing — are not a refusal.
            string worker = HostPort(e.RemoteAddress);
            _log.Debug($"association with {worker} failed: {e.Cause?.GetBaseException().Message}");
            if (!_addresses.Contains(worker) || _everJoined.Contains(worker) || !IsIdentityMismatch(e.Cause)) return;
            _coordinator.Tell(new FailRun(S3TailException.Runtime(
                $"The worker at {worker} refused this run (its TLS identity did not match): give the run the workers' secret (--secret-file or S3TAIL_CLUSTER_SECRET).")));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<string> addresses, IActorRef dispatcher, IActorRef coordinator, ILog log) =>
        Akka.Actor.Props.Create(() => new WorkerRecruiterActor(addresses, dispatcher, coordinator, log));

    protected override void PreStart()
    {
        _cluster.Subscribe(Self, ClusterEvent.InitialStateAsEvents,
            typeof(ClusterEvent.MemberUp), typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        Context.System.EventStream.Subscribe(Self, typeof(AssociationErrorEvent));
        Recruit();
        Timers.StartPeriodicTimer("recruit", new RecruitDue(), TimeSpan.FromSeconds(1));
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void Recruit()
    {
        foreach (var address in _addresses.Where(a => !_members.Contains(a)))
            Context.ActorSelection($"akka.ssl.tcp://s3tail@{address}/user/door").Tell(new JoinRun(Self));
    }

    private void Lost(Member member)
    {
        if (!member.HasRole("worker")) return;
        _members.Remove(HostPort(member.Address));
        _dispatcher.Tell(new WorkerLost(member.Address.ToString()));
        if (member.Status != MemberStatus.Removed) _cluster.Down(member.Address);
    }

    private static string HostPort(Address address) => $"{address.Host}:{address.Port}";

    private static bool IsIdentityMismatch(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is System.Security.Authentication.AuthenticationException) return true;
            if (e is AggregateException all && all.InnerExceptions.Any(IsIdentityMismatch)) return true;
        }
        return false;
    }

    private sealed record RecruitDue;
}
