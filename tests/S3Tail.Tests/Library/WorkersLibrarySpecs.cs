using System.Net;
using System.Net.Sockets;
using System.Text;
using S3Tail.Bookmarks;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Workers;

namespace S3Tail.Tests.Library;

/// <summary>A host program spreads a run over a worker with the engine's API alone: no CLI code.</summary>
public sealed class WorkersLibrarySpecs
{
    [Fact]
    public async Task Should_spread_a_run_over_a_worker_started_and_joined_through_the_library()
    {
        var objects = Enumerable.Range(0, 12).Select(i => ($"logs/{i:D2}", Encoding.UTF8.GetBytes($"{i}.1\n{i}.2\n"))).ToList();
        // This machine's copy is slow to open, the worker's is not: the worker takes a share.
        using var here = new MemorySource(objects) { OpenDelay = TimeSpan.FromSeconds(1) };
        using var there = new MemorySource(objects);
        int port = FreePort();
        using var stopWorker = new CancellationTokenSource();
        var worker = WorkerHost.RunAsync("127.0.0.1", port, SecretFiles.Fleet, WorkerScope.Default, _ => there, cache: null,
            Logging.NullLog.Instance, afterRun: null, stopWorker.Token);

        var lines = new List<string>();
        var result = await S3TailEngine.RunAsync(
            new TailRequest
            {
                Source = here, Prefix = "logs/", Prefetch = 2,
                Workers = WorkerSet.For([$"127.0.0.1:{port}"], SecretFiles.Fleet, "memory", new S3Settings(Region: "us-east-1")),
            },
            (string key, long n, ReadOnlySpan<byte> line) => { lines.Add($"{key}:{n}={Encoding.UTF8.GetString(line)}"); return true; });
        stopWorker.Cancel();
        await worker;

        // Expected by hand: every line once, in key order.
        var expected = Enumerable.Range(0, 12).SelectMany(i => new[] { $"logs/{i:D2}:1={i}.1", $"logs/{i:D2}:2={i}.2" });
        Assert.Equal(expected, lines);
        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(new Bookmark("logs/11", 2), result.Bookmark);
        var fetchedBy = Assert.IsAssignableFrom<IReadOnlyList<(string Who, long Objects)>>(result.Statistics.FetchedBy);
        Assert.Equal(12, fetchedBy.Sum(f => f.Objects));
        Assert.True(fetchedBy.Single(f => f.Who == $"127.0.0.1:{port}").Objects > 0, string.Join(", ", fetchedBy));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
