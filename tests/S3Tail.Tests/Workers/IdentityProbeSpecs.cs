using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using S3Tail.Workers;

namespace S3Tail.Tests.Workers;

/// <summary>
/// The look at a worker's certificate that tells "holds another secret" (a refusal) from "not up"
/// or "dying", against a real worker node's Akka.Remote TLS listener on 127.0.0.1.
/// </summary>
public sealed class IdentityProbeSpecs : IAsyncLifetime
{
    private ActorSystem _worker = null!;
    private int _port;

    public Task InitializeAsync()
    {
        _worker = NodeConfig.Create("127.0.0.1", 0, "worker", "the fleet's secret");
        _port = NodeConfig.AddressOf(_worker).Port!.Value;
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _worker.Terminate();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    // Made once: the secret's certificate is slow to make on purpose (a KDF).
    private static readonly System.Security.Cryptography.X509Certificates.X509Certificate2 Fleet = ClusterIdentity.Certificate("the fleet's secret");

    [Fact]
    public async Task Should_find_a_worker_holding_the_same_secret_ours()
    {
        var found = await IdentityProbe.CheckAsync("127.0.0.1", _port, Fleet, Timeout);

        Assert.Equal(WorkerIdentity.Ours, found.Identity);
    }

    [Fact]
    public async Task Should_find_a_worker_holding_another_secret_not_ours_and_leave_it_running()
    {
        var found = await IdentityProbe.CheckAsync("127.0.0.1", _port, ClusterIdentity.Certificate("a guess"), Timeout);

        Assert.Equal(WorkerIdentity.NotOurs, found.Identity);
        Assert.Equal(WorkerProtocol.Version, found.PeerProtocol);
        // A refused look is only a closed connection to the worker: it still serves the right secret.
        Assert.False(_worker.WhenTerminated.IsCompleted);
        Assert.Equal(WorkerIdentity.Ours,
            (await IdentityProbe.CheckAsync("127.0.0.1", _port, Fleet, Timeout)).Identity);
    }

    [Fact]
    public async Task Should_not_call_an_address_where_nothing_listens_a_refusal()
    {
        int closed;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var found = await IdentityProbe.CheckAsync("127.0.0.1", closed, Fleet, Timeout);

        Assert.Equal(WorkerIdentity.Unreachable, found.Identity);
        Assert.Equal("refused the connection (nothing listens on that port)", found.Trouble);
    }

    [Fact]
    public async Task Should_not_call_a_listener_that_closes_without_a_certificate_a_refusal()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closing = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            accepted.Client.Close();   // a worker dying as it is reached
        });

        var found = await IdentityProbe.CheckAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port,
            Fleet, Timeout);
        await closing;

        Assert.Equal(WorkerIdentity.Unreachable, found.Identity);
        Assert.StartsWith("broke off before showing a certificate", found.Trouble);
    }

    [Fact]
    public async Task Should_say_a_listener_that_never_answers_did_not_answer_within_the_time_given()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();   // never accepts: the kernel completes the handshake, nobody speaks

        var found = await IdentityProbe.CheckAsync("127.0.0.1", ((IPEndPoint)silent.LocalEndpoint).Port, Fleet, TimeSpan.FromSeconds(1));

        Assert.Equal(WorkerIdentity.Unreachable, found.Identity);
        Assert.StartsWith("accepted the connection but did not answer within 1 s", found.Trouble);
    }

    [Fact]
    public async Task Should_tell_a_worker_of_an_older_version_by_the_protocol_its_certificate_names()
    {
        // What a version-1 worker presents: a P-256 certificate named CN=s3tail-cluster and nothing more, another key.
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var made = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=s3tail-cluster", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var old = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12(
            made.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12), null);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var serving = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync();
            await using var tls = new System.Net.Security.SslStream(accepted.GetStream());
            try { await tls.AuthenticateAsServerAsync(old, clientCertificateRequired: true, checkCertificateRevocation: false); }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException) { }
        });

        var found = await IdentityProbe.CheckAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndpoint).Port, Fleet, Timeout);
        await serving;

        Assert.Equal(WorkerIdentity.NotOurs, found.Identity);
        Assert.Equal(1, found.PeerProtocol);
    }
}
