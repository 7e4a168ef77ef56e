namespace S3Tail.Tests.Support;

/// <summary>
/// The test run's one S3 server, for every test class that asks for it as a class fixture
/// (IClassFixture): classes run in parallel and share it, each test with buckets of its own
/// (rules and counters are per bucket). It starts with the first class that needs it and ends
/// with the test process.
/// </summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    private static readonly Lazy<Task<S3TestServer>> Shared = new(StartShared);

    public S3TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await Shared.Value;

    /// <summary>Nothing: other classes may still be using the server; it is disposed when the process exits.</summary>
    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<S3TestServer> StartShared()
    {
        RemoveFoldersOfEndedRuns();
        var server = await S3TestServer.StartAsync();
        // node also exits when the test process's end closes its stdin (--exit-with-stdin); this
        // removes its folder where the test host ends normally, and the next run's start where not.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(10));
        return server;
    }

    /// <summary>Deletes the data folders of servers whose test process is gone (s3tail-s3rver-PID-…).</summary>
    private static void RemoveFoldersOfEndedRuns()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), "s3tail-s3rver-*"))
        {
            var parts = Path.GetFileName(folder).Split('-');
            if (parts.Length < 4 || !int.TryParse(parts[2], out int pid) || Directory.Exists($"/proc/{pid}")) continue;
            try { Directory.Delete(folder, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
