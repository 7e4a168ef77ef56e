using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// What the specs of runs spread over worker processes (<c>s3tail worker</c>) on 127.0.0.1 share:
/// starting workers, a bucket of access logs, a run held until its workers have joined. The specs
/// are split over several classes (Worker*Specs) so that they run in parallel with each other.
/// </summary>
public abstract class WorkerFleet(S3ServerFixture fixture) : IDisposable
{
    protected readonly S3TestServer _server = fixture.Server;
    protected readonly List<RunningCli> _workers = [];
    protected readonly string _secretFile = Path.Combine(Path.GetTempPath(), $"s3tail-secret-{Guid.NewGuid():N}");

    public void Dispose()
    {
        foreach (var w in _workers) w.Dispose();   // kills what still runs
        File.Delete(_secretFile);
        File.Delete(_secretFile + "-worker");
    }

    protected static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected readonly Dictionary<string, string> _homes = new();

    /// <summary>Workers keeping what they fetch in their HOME's cache: a file there says one has begun fetching.</summary>
    private readonly HashSet<string> _cachesAtHome = new();

    /// <summary>The files in the default cache of the worker at <paramref name="address"/>.</summary>
    protected string[] CacheEntries(string address)
    {
        string cache = Path.Combine(_homes[address], ".s3tailcache");
        return Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories) : [];
    }

    protected string StartWorker(params string[] options)
    {
        string file = _secretFile + "-worker";
        SecretFiles.Write(file, SecretFiles.Fleet);
        string address = $"127.0.0.1:{FreePort()}";
        var cli = new CliProcess();
        _homes[address] = cli.Home;
        if (!options.Contains("--cache-hours") && !options.Contains("--cache-path")) _cachesAtHome.Add(address);
        var worker = new RunningCli(cli, ["worker", "--listen", address, "--secret-file", file, "--allow-endpoint", _server.Endpoint, .. options]);
        _workers.Add(worker);
        WaitUntilListening(address);
        return address;
    }

    /// <summary>A worker takes a moment to start; the runs here are short.</summary>
    protected static void WaitUntilListening(string address)
    {
        int port = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    protected async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Bucket(int count)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, count).Select(i => (Key: $"logs/{i:D4}", Decoded: AccessLog(i, 30))).ToList();
        await _server.PutAllAsync(bucket, objects.Select((o, i) => (o.Key, i % 3 == 0 ? Gzip(o.Decoded) : o.Decoded)));
        return (bucket, objects);
    }

    /// <summary>
    /// Runs s3tail with GETs held slow (1.5 s, 24 at a time) until <paramref name="workers"/> workers have joined (a
    /// worker process takes seconds to start on a busy machine), then at <paramref name="delayMs"/>,
    /// so every worker is in the run however loaded the machine is.
    /// </summary>
    protected async Task<CliResult> RunOnceJoined(string bucket, IEnumerable<string> args, int workers, int delayMs = 100, params object[] moreRules)
    {
        using var run = await StartOnceJoined(bucket, args, workers, delayMs, moreRules);
        return await run.WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts s3tail as <see cref="RunOnceJoined"/> does and returns it running, every worker in.</summary>
    protected async Task<RunningCli> StartOnceJoined(string bucket, IEnumerable<string> args, int workers, int delayMs, params object[] moreRules)
    {
        await _server.SetRulesAsync(bucket, [new { op = "getObject", delayMs = 1500 }, .. moreRules]);
        var run = new RunningCli(new CliProcess(), args);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (run.StderrText.Split('\n').Count(l => l.Contains("joined the run")) < workers && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        // Joined is not yet fetching: on a loaded machine this machine's downloaders could take
        // every object before a worker's first ask arrived. Each worker of the run that caches at
        // home holds the GETs back until it has fetched one.
        var spreadOver = args.SkipWhile(a => a != "--workers").Skip(1).FirstOrDefault()?.Split(',') ?? [];
        foreach (var address in spreadOver.Where(_cachesAtHome.Contains))
            while (CacheEntries(address).Length == 0 && !run.HasExited && DateTime.UtcNow < deadline)
                await Task.Delay(50);
        await _server.SetRulesAsync(bucket, [new { op = "getObject", delayMs }, .. moreRules]);
        return run;
    }

    protected string[] RunArgs(string bucket, IEnumerable<string> workers) =>
        // A fixed window, so this machine's downloaders (which take what no worker asked for) do
        // not finish a slow bucket before a worker process has started and joined.
        ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "-p", "24", "-l", "info", "--workers", string.Join(',', workers), "--secret-file", _secretFile, $"s3://{bucket}/logs/"];
}
