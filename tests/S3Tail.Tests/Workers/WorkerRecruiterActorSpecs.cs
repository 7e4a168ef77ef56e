using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Workers;

namespace S3Tail.Tests.Workers;

/// <summary>
/// The run's side of recruiting, on a real run node against real worker nodes on 127.0.0.1:
/// nothing is fetched before every address is checked, a refusal fails the run with one line,
/// and an address where nothing answers is a warning naming it.
/// </summary>
public sealed class WorkerRecruiterActorSpecs : IAsyncLifetime
{
    private const string Secret = "recruiter-spec-secret-Zq3vN8kR2";

    // Made once: the secret's certificate is slow to make on purpose (a KDF).
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Identity = ClusterIdentity.Certificate(Secret);

    private static readonly SourceSpec Source = new("bucket", "us-east-1", null, null);

    private ActorSystem _run = null!;
    private readonly List<ActorSystem> _workers = [];
    private readonly StringWriter _logText = new();
    private readonly Lock _logGate = new();
    private ILog _log = null!;

    public Task InitializeAsync()
    {
        _run = NodeConfig.Create("127.0.0.1", 0, "run", Identity);
        Akka.Cluster.Cluster.Get(_run).Join(NodeConfig.AddressOf(_run));
        _log = new TextLog(_logText, LogLevel.Warning, gate: _logGate);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var w in _workers) await w.Terminate();
        await _run.Terminate();
    }

    private string LogText { get { lock (_logGate) return _logText.ToString(); } }

    /// <summary>A worker node whose door answers every join with <paramref name="answer"/>.</summary>
    private string WorkerAnswering(JoinAnswer answer)
    {
        var node = NodeConfig.Create("127.0.0.1", 0, "worker", Identity);
        _workers.Add(node);
        node.ActorOf(Props.Create(() => new AnsweringDoor(answer)), "door");
        return $"127.0.0.1:{NodeConfig.AddressOf(node).Port}";
    }

    private sealed class AnsweringDoor : ReceiveActor
    {
        public AnsweringDoor(JoinAnswer answer) => Receive<JoinRun>(j => j.Dispatcher.Tell(answer));
    }

    private (Akka.TestKit.TestProbe Dispatcher, Akka.TestKit.TestProbe Coordinator) Recruit(params string[] addresses)
    {
        var kit = new TestKit(_run);
        var dispatcher = kit.CreateTestProbe();
        var coordinator = kit.CreateTestProbe();
        // A loaded machine may take longer than the run's 3 s to carry the answer: these specs are
        // about what the answer does, so the recruiter waits for it as long as they do.
        _run.ActorOf(WorkerRecruiterActor.Props(addresses, Identity, Source, "logs/", dispatcher, coordinator, _log,
            answerPatience: TimeSpan.FromSeconds(30)), "recruiter");
        return (dispatcher, coordinator);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void Should_fail_the_run_naming_both_versions_when_a_worker_of_another_version_refuses_it_and_never_let_it_fetch()
    {
        string worker = WorkerAnswering(new JoinAnswer(WorkerProtocol.Version + 1, "9.9.9", JoinOutcome.Refused, "another protocol"));

        var (dispatcher, coordinator) = Recruit(worker);

        var failed = coordinator.ExpectMsg<FailRun>(TimeSpan.FromSeconds(20));
        Assert.Equal($"The worker at {worker} refused this run: it is s3tail 9.9.9 (worker protocol {WorkerProtocol.Version + 1}), " +
                     $"this run s3tail {WorkerProtocol.Software} (worker protocol {WorkerProtocol.Version}); run the same s3tail version on both.",
            failed.Reason.Message);
        dispatcher.ExpectNoMsg(TimeSpan.FromSeconds(1));   // never WorkersChecked: nothing is fetched
    }

    [Fact]
    public void Should_fail_the_run_with_the_workers_reason_when_it_does_not_allow_what_the_run_reads()
    {
        string worker = WorkerAnswering(new JoinAnswer(WorkerProtocol.Version, WorkerProtocol.Software, JoinOutcome.Refused,
            "it may read only s3://other/ (--allow), not s3://bucket/logs/"));

        var (dispatcher, coordinator) = Recruit(worker);

        Assert.Equal($"The worker at {worker} refused this run: it may read only s3://other/ (--allow), not s3://bucket/logs/",
            coordinator.ExpectMsg<FailRun>(TimeSpan.FromSeconds(20)).Reason.Message);
        dispatcher.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Should_let_the_run_fetch_once_every_address_is_checked_warning_about_one_where_nothing_listens()
    {
        string worker = WorkerAnswering(new JoinAnswer(WorkerProtocol.Version, WorkerProtocol.Software, JoinOutcome.Accepted, ""));
        string closed = $"127.0.0.1:{ClosedPort()}";

        var (dispatcher, coordinator) = Recruit(worker, closed);

        dispatcher.ExpectMsg<WorkersChecked>(TimeSpan.FromSeconds(20));
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        var warning = Assert.Single(LogText.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"warning: the worker at {closed} refused the connection (nothing listens on that port); the run goes on without it", warning);
    }
}
