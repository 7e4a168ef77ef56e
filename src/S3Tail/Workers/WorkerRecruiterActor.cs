using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using S3Tail.Logging;
using S3Tail.Pipeline;

namespace S3Tail.Workers;

/// <summary>
/// The run's node's link to its workers, on the run's cluster node: what the workers talk to.
/// Every second it asks each worker that is not a member yet to join (so a worker started mid-run
/// gets work), turns a worker that becomes unreachable or leaves into <see cref="WorkerLost"/>
/// for the dispatcher (and downs it, so the cluster moves on), and fails the run when a worker
/// holds another secret: a run with the wrong secret must not quietly run alone. A worker is only
/// dialed once it has been seen to present the secret's certificate (<see cref="IdentityProbe"/>):
/// Akka.Remote stops this whole node when a handshake it starts fails.
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
    private readonly Dictionary<string, DateTime> _seenOurs = new();   // when its certificate was first seen to be ours
    private readonly HashSet<string> _toldNotJoining = new();
    private readonly HashSet<string> _probing = new();
    private readonly X509Certificate2 _identity;

    public WorkerRecruiterActor(IReadOnlyList<string> addresses, X509Certificate2 identity, IActorRef dispatcher, IActorRef coordinator, ILog log)
    {
        _addresses = addresses;
        _identity = identity;
        _dispatcher = dispatcher;
        _coordinator = coordinator;
        _log = log;
        Receive<RecruitDue>(_ => Recruit());
        Receive<Probed>(OnProbed);
        // The workers talk to this actor (it is on the cluster node); the dispatcher is in the
        // pipeline's own system, in this process. Forwarded, so it still sees which worker spoke.
        Receive<IFromWorker>(m => _dispatcher.Forward(m));
        Receive<ClusterEvent.MemberUp>(m =>
        {
            if (!m.Member.HasRole("worker")) return;
            _members.Add(AsGiven(m.Member.Address));
            _everJoined.Add(AsGiven(m.Member.Address));
        });
        Receive<ClusterEvent.UnreachableMember>(m => Lost(m.Member));
        Receive<ClusterEvent.MemberRemoved>(m => Lost(m.Member));
        Receive<AssociationErrorEvent>(e =>
            _log.Debug($"association with {HostPort(e.RemoteAddress)} failed: {e.Cause?.GetBaseException().Message}"));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(IReadOnlyList<string> addresses, X509Certificate2 identity, IActorRef dispatcher, IActorRef coordinator, ILog log) =>
        Akka.Actor.Props.Create(() => new WorkerRecruiterActor(addresses, identity, dispatcher, coordinator, log));

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
        {
            if (_seenOurs.TryGetValue(address, out var seen))
            {
                Context.ActorSelection($"akka.ssl.tcp://s3tail@{address}/user/door").Tell(new JoinRun(Self));
                // It holds the secret and answers TLS, yet does not join: almost always an address it
                // does not know itself by (Akka.Remote answers only to the address it was given).
                if (DateTime.UtcNow - seen > JoinPatience && !_everJoined.Contains(address) && _toldNotJoining.Add(address))
                    _log.Warn($"the worker at {address} holds the secret but has not joined after {JoinPatience.TotalSeconds:0} s: " +
                              "give --workers the HOST:PORT it was given in --listen, or see its log; the run goes on without it");
            }
            else if (_probing.Add(address))
            {
                int colon = address.LastIndexOf(':');
                IdentityProbe.CheckAsync(address[..colon].Trim('[', ']'), int.Parse(address[(colon + 1)..]), _identity, ProbeTimeout)
                    .PipeTo(Self, success: found => new Probed(address, found), failure: _ => new Probed(address, WorkerIdentity.Unknown));
            }
        }
    }

    private void OnProbed(Probed probed)
    {
        _probing.Remove(probed.Address);
        switch (probed.Found)
        {
            case WorkerIdentity.Ours:
                _seenOurs.TryAdd(probed.Address, DateTime.UtcNow);
                Context.ActorSelection($"akka.ssl.tcp://s3tail@{probed.Address}/user/door").Tell(new JoinRun(Self));
                break;
            case WorkerIdentity.NotOurs when !_everJoined.Contains(probed.Address):
                _coordinator.Tell(new FailRun(S3TailException.Runtime(
                    $"The worker at {probed.Address} refused this run (it holds another secret): give the run the workers' secret (--secret-file or S3TAIL_CLUSTER_SECRET).")));
                break;
            case WorkerIdentity.NotOurs:
                _log.Warn($"the worker at {probed.Address} now holds another secret; the run goes on without it");
                break;
        }
    }

    private void Lost(Member member)
    {
        if (!member.HasRole("worker")) return;
        _members.Remove(AsGiven(member.Address));
        // Whoever comes back on that address is looked at again before it is dialed.
        _seenOurs.Remove(AsGiven(member.Address));
        _dispatcher.Tell(new WorkerLost(member.Address.ToString()));
        if (member.Status != MemberStatus.Removed) _cluster.Down(member.Address);
    }

    private static string HostPort(Address address) => $"{address.Host}:{address.Port}";

    /// <summary>A member's address as --workers gave it (IPv6 hosts in brackets there), so the two compare.</summary>
    private string AsGiven(Address address) =>
        _addresses.FirstOrDefault(a => string.Equals(a.Replace("[", "").Replace("]", ""), HostPort(address), StringComparison.OrdinalIgnoreCase))
        ?? HostPort(address);

    /// <summary>How long a worker holding the secret may take to join before the run says so.</summary>
    private static readonly TimeSpan JoinPatience = TimeSpan.FromSeconds(10);

    /// <summary>A TLS handshake on a reachable address takes milliseconds; a silent one is not up yet.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private sealed record Probed(string Address, WorkerIdentity Found);

    private sealed record RecruitDue;
}
