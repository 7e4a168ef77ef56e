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

    [Fact]
    public async Task Should_find_a_worker_holding_the_same_secret_ours()
    {
        var found = await IdentityProbe.CheckAsync("127.0.0.1", _port, ClusterIdentity.Certificate("the fleet's secret"), Timeout);

        Assert.Equal(WorkerIdentity.Ours, found);
    }

    [Fact]
    public async Task Should_find_a_worker_holding_another_secret_not_ours_and_leave_it_running()
    {
        var found = await IdentityProbe.CheckAsync("127.0.0.1", _port, ClusterIdentity.Certificate("a guess"), Timeout);

        Assert.Equal(WorkerIdentity.NotOurs, found);
        // A refused look is only a closed connection to the worker: it still serves the right secret.
        Assert.False(_worker.WhenTerminated.IsCompleted);
        Assert.Equal(WorkerIdentity.Ours,
            await IdentityProbe.CheckAsync("127.0.0.1", _port, ClusterIdentity.Certificate("the fleet's secret"), Timeout));
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

        var found = await IdentityProbe.CheckAsync("127.0.0.1", closed, ClusterIdentity.Certificate("the fleet's secret"), Timeout);

        Assert.Equal(WorkerIdentity.Unknown, found);
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
            ClusterIdentity.Certificate("the fleet's secret"), Timeout);
        await closing;

        Assert.Equal(WorkerIdentity.Unknown, found);
    }
}
