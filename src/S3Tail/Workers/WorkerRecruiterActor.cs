using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Cluster;
using Akka.Remote;
using S3Tail.Logging;
using S3Tail.Pipeline;

namespace S3Tail.Workers;

/// <summary>
/// The run's node's link to its workers, on the run's cluster node: what the workers talk to.
///
/// First it looks at every --workers address (<see cref="IdentityProbe"/>, a TLS handshake) and
/// asks each that presents the secret's certificate to join (<see cref="JoinRun"/>, carrying the
/// protocol version and what the run reads). Only when every address has been looked at — and
/// each worker holding the secret has answered, or had <see cref="AnswerPatience"/> to — does it
/// tell the dispatcher <see cref="WorkersChecked"/>, before which no object is fetched anywhere:
/// a run that a worker refuses (another secret, another protocol version, not allowed by its
/// --allow) fails then, with one line, having fetched and written nothing. An address where
/// nothing answers is named in a warning with what happened, and the run goes on without it.
///
/// Then, every second, it asks each worker that is not a member yet to join (so a worker started
/// mid-run gets work), and turns a worker that becomes unreachable or leaves into
/// <see cref="WorkerLost"/> for the dispatcher (and downs it, so the cluster moves on). A worker is
/// only dialed once it has been seen to present the secret's certificate: Akka.Remote stops this
/// whole node when a handshake it starts fails.
/// </summary>
internal sealed class WorkerRecruiterActor : ReceiveActor, IWithTimers
{
    private readonly IReadOnlyList<string> _addresses;
    private readonly IActorRef _dispatcher;
    private readonly IActorRef _coordinator;
    private readonly ILog _log;
    private readonly SourceSpec _source;
    private readonly string _prefix;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly HashSet<string> _members = new();
    private readonly HashSet<string> _everJoined = new();
    private readonly Dictionary<string, DateTime> _seenOurs = new();   // when its certificate was first seen to be ours
    private readonly HashSet<string> _toldNotJoining = new();
    private readonly HashSet<string> _toldUnreachable = new();
    private readonly HashSet<string> _toldBusy = new();
    private readonly HashSet<string> _probing = new();
    private readonly HashSet<string> _timedOutOnce = new();
    private readonly HashSet<string> _checked = new();   // looked at, and answered if it holds the secret: no longer holds back the first GET
    private readonly X509Certificate2 _identity;
    private bool _told;   // WorkersChecked sent
    private bool _failed;
    private readonly TimeSpan _answerPatience;

    public WorkerRecruiterActor(IReadOnlyList<string> addresses, X509Certificate2 identity, SourceSpec source, string prefix,
        IActorRef dispatcher, IActorRef coordinator, ILog log, TimeSpan? answerPatience = null)
    {
        _answerPatience = answerPatience ?? AnswerPatience;
        _addresses = addresses;
        _identity = identity;
        _source = source;
        _prefix = prefix;
        _dispatcher = dispatcher;
        _coordinator = coordinator;
        _log = log;
        Receive<RecruitDue>(_ => Recruit());
        Receive<Probed>(OnProbed);
        Receive<JoinAnswer>(OnAnswer);
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

    public static Props Props(IReadOnlyList<string> addresses, X509Certificate2 identity, SourceSpec source, string prefix,
        IActorRef dispatcher, IActorRef coordinator, ILog log, TimeSpan? answerPatience = null) =>
        Akka.Actor.Props.Create(() => new WorkerRecruiterActor(addresses, identity, source, prefix, dispatcher, coordinator, log, answerPatience));

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
        if (_failed) return;
        foreach (var address in _addresses.Where(a => !_members.Contains(a)))
        {
            if (_seenOurs.TryGetValue(address, out var seen))
            {
                Join(address);
                if (DateTime.UtcNow - seen > _answerPatience) Checked(address);
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
                    .PipeTo(Self, success: found => new Probed(address, found),
                        failure: e => new Probed(address, new ProbeResult(WorkerIdentity.Unreachable, Trouble: $"cannot be reached ({e.GetBaseException().Message})")));
            }
        }
    }

    private void Join(string address) =>
        Context.ActorSelection($"akka.ssl.tcp://s3tail@{address}/user/door").Tell(JoinRun.For(Self, _source, _prefix));

    private void OnProbed(Probed probed)
    {
        _probing.Remove(probed.Address);
        if (_failed) return;
        var found = probed.Found;
        switch (found.Identity)
        {
            case WorkerIdentity.Ours:
                if (_seenOurs.TryAdd(probed.Address, DateTime.UtcNow)) Join(probed.Address);
                break;
            case WorkerIdentity.NotOurs when !_everJoined.Contains(probed.Address):
                Fail(found.PeerProtocol != WorkerProtocol.Version
                    ? $"The worker at {probed.Address} refused this run: it speaks worker protocol {found.PeerProtocol}, this run protocol " +
                      $"{WorkerProtocol.Version} (s3tail {WorkerProtocol.Software}); run the same s3tail version on both."
                    : $"The worker at {probed.Address} refused this run (it holds another secret): give the run the workers' secret (--secret-file or S3TAIL_CLUSTER_SECRET).");
                break;
            case WorkerIdentity.NotOurs:
                _log.Warn($"the worker at {probed.Address} now holds another secret; the run goes on without it");
                break;
            case WorkerIdentity.Unreachable:
                if (_toldUnreachable.Add(probed.Address))
                    _log.Warn($"the worker at {probed.Address} {found.Trouble}; the run goes on without it, and asks again every second");
                else _log.Debug($"the worker at {probed.Address} {found.Trouble}");
                // A look that ran out of time may have met a worker too slow (a loaded machine) to
                // finish its handshake; letting the first GET go then could fetch for a run that
                // worker is about to refuse. It holds the run back for one more look.
                if (!found.TimedOut || !_timedOutOnce.Add(probed.Address)) Checked(probed.Address);
                break;
        }
    }

    private void OnAnswer(JoinAnswer answer)
    {
        string address = AsGiven(Sender.Path.Address);
        if (_failed) return;
        switch (answer.Outcome)
        {
            case JoinOutcome.Refused when answer.Protocol != WorkerProtocol.Version:
                Fail($"The worker at {address} refused this run: it is s3tail {answer.Software} (worker protocol {answer.Protocol}), " +
                     $"this run s3tail {WorkerProtocol.Software} (worker protocol {WorkerProtocol.Version}); run the same s3tail version on both.");
                break;
            case JoinOutcome.Refused:
                Fail($"The worker at {address} refused this run: {answer.Reason}");
                break;
            case JoinOutcome.Busy:
                if (_toldBusy.Add(address)) _log.Warn($"the worker at {address} is serving another run; this run goes on without it until it is free");
                Checked(address);
                break;
            default:
                Checked(address);
                break;
        }
    }

    private void Fail(string message)
    {
        _failed = true;
        _coordinator.Tell(new FailRun(S3TailException.Runtime(message)));
    }

    /// <summary>The address no longer holds back the first GET; once none does, the dispatcher is told.</summary>
    private void Checked(string address)
    {
        _checked.Add(address);
        if (_told || _failed || !_addresses.All(_checked.Contains)) return;
        _told = true;
        _dispatcher.Tell(new WorkersChecked());
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

    /// <summary>
    /// How long the first GET waits for a worker holding the secret to answer its JoinRun (it
    /// normally does within a round trip of Akka.Remote's handshake); one that does not answer
    /// by then (it knows itself by another address, say) no longer holds the run back.
    /// </summary>
    private static readonly TimeSpan AnswerPatience = TimeSpan.FromSeconds(3);

    /// <summary>A TLS handshake on a reachable address takes milliseconds; a silent one is not up, or not a worker.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private sealed record Probed(string Address, ProbeResult Found);

    private sealed record RecruitDue;
}
