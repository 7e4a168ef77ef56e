using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>workers-net</c>: whether workers make a run faster when each node's own network link is the
/// bound, as between machines. On loopback (<see cref="WorkersRunner"/>) every node shares one
/// unlimited link and two cores, so only the protocol's cost shows. Here (as root) each node gets
/// its own namespace and capped link (<see cref="CappedNetwork"/>): the cheap S3 server
/// (benchmarks/servers/static-s3.js) on a wide one, the run and each worker on a narrow one.
///
/// Two shapes of the same stored volume — a few large gzip objects and many small ones — each
/// read with a --grep keeping about 2% of lines and with a plain dump, alone and over 1..N
/// workers. Workers are fresh processes with empty caches every round, listening before the
/// run's clock starts. The table gives the wall median, the speed-up against the run alone, the
/// target (grep: 0.75·(n+1)×; dump: never slower than alone), how many objects each node
/// fetched (the run's info summary, from the median round) and whether the output matched the
/// run alone byte for byte. A run over workers has a fixed cost (its cluster node, checking and
/// joining the workers: about a second a worker here), measured on a prefix of one tiny object
/// with as many workers; "throughput" is the speed-up of the wall time less that cost, and the
/// targets are on it.
/// </summary>
public static class WorkersNetRunner
{
    private const string Grep = "assets/77";
    private const int ServerPort = 9000, WorkerPort = 4053;

    /// <summary>A prefix of one tiny object: what a run with so many workers costs before and after its objects (start-up, joining, ending).</summary>
    private const string StartUp = "start-up";

    public static async Task<int> RunAsync(int maxWorkers, int mbit, int latencyMs, int rounds)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Console.Error.WriteLine("workers-net builds Linux network namespaces and must run as root.");
            return 2;
        }
        var scratch = Directory.CreateTempSubdirectory("s3tail-workers-net-").FullName;
        var nodes = new List<(string, int)> { ("server", mbit * 10), ("run", mbit) };
        nodes.AddRange(Enumerable.Range(1, maxWorkers).Select(i => ($"w{i}", mbit)));
        using var network = CappedNetwork.Create(nodes);
        try
        {
            var shapes = WriteObjects(Path.Combine(scratch, "data", "bench"));
            string secretFile = Path.Combine(scratch, "secret");
            File.WriteAllText(secretFile, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));   // 128 bits, as the worker requires
            File.SetUnixFileMode(secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);   // and private
            await StartServerAsync(network, Path.Combine(scratch, "data"), latencyMs);
            string endpoint = $"http://{network.Address("server")}:{ServerPort}";

            Console.WriteLine($"workers-net: each node's link capped at {mbit} Mbit/s each way (the server's at {mbit * 10}), " +
                              $"{latencyMs} ms added to every S3 request, median of {rounds} rounds (interleaved); workers fresh with empty caches each round.");
            foreach (var (prefix, label, _) in shapes) Console.WriteLine($"  {prefix}: {label}");

            var cases = (from shape in shapes.Select(s => s.Prefix).Append(StartUp)
                         from mode in shape == StartUp ? ["dump"] : new[] { "grep", "dump" }
                         from workers in Enumerable.Range(0, maxWorkers + 1)
                         select (Shape: shape, Mode: mode, Workers: workers)).ToList();
            var results = cases.ToDictionary(c => c, _ => new List<Result>());
            for (int r = 0; r < rounds; r++)
                foreach (var c in cases)
                    results[c].Add(await RunOnceAsync(network, scratch, secretFile, endpoint, c.Shape, c.Mode, c.Workers));

            Console.WriteLine();
            Console.WriteLine("| shape | job | workers | wall (median) | speed-up | throughput | target | objects fetched (run, workers…) | output |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
            double Wall((string, string, int) c) => Stats.Median(results[c].Select(x => x.Seconds));
            foreach (var c in cases)
            {
                var median = results[c].OrderBy(x => x.Seconds).ElementAt(rounds / 2);
                var alone = results[(c.Shape, c.Mode, 0)];
                double speedUp = Wall((c.Shape, c.Mode, 0)) / median.Seconds;
                // Throughput: the same wall times less the start-up a run with as many workers takes over one tiny object.
                double throughput = c.Shape == StartUp ? 1
                    : (Wall((c.Shape, c.Mode, 0)) - Wall((StartUp, "dump", 0))) / (median.Seconds - Wall((StartUp, "dump", c.Workers)));
                double target = c.Mode == "grep" ? 0.75 * (c.Workers + 1) : 1.0;
                bool same = results[c].All(x => x.Sha == alone[0].Sha);
                string verdict = c.Workers == 0 || c.Shape == StartUp ? "" : $"≥ {target:0.00}× {(throughput >= target ? "met" : "MISSED")}";
                Console.WriteLine($"| {c.Shape} | {c.Mode} | {c.Workers} | {median.Seconds:0.00} s | {speedUp:0.00}× | {throughput:0.00}× | {verdict} | {median.FetchedBy} | {(same ? "same" : "DIFFERS")} |");
            }
            Console.WriteLine();
            Console.WriteLine($"made by: sudo dotnet run -c Release --project benchmarks/S3Tail.Benchmarks -- workers-net --workers {maxWorkers} --mbit {mbit} --latency {latencyMs} --rounds {rounds}");
            return 0;
        }
        finally
        {
            network.Dispose();
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// The two shapes, about 12 MB stored (100 MB decoded) each: 12 objects of 8 MB decoded (lines
    /// drawn at random, about 1 MB of gzip each) and 96 of 1 MB decoded.
    /// </summary>
    private static List<(string Prefix, string Label, long Stored)> WriteObjects(string bucket)
    {
        var shapes = new List<(string, string, long)>();
        foreach (var (prefix, objects) in new[]
                 {
                     ("large", Workloads.LargeGzip(12, 8).Select(l => (l.Key, l.Stored, l.Decoded)).ToList()),
                     ("small", Enumerable.Range(0, 96).Select(i => Workloads.AccessLog(i, 1024 * 1024))
                         .Select((d, i) => (Key: $"{i:D6}.log.gz", Stored: Workloads.Gzip(d), Decoded: (long)d.Length)).ToList()),
                 })
        {
            var folder = Path.Combine(bucket, prefix);
            Directory.CreateDirectory(folder);
            foreach (var (key, stored, _) in objects) File.WriteAllBytes(Path.Combine(folder, Path.GetFileName(key)), stored);
            long storedBytes = objects.Sum(o => (long)o.Stored.Length), decoded = objects.Sum(o => o.Decoded);
            shapes.Add((prefix, $"{objects.Count} gzip objects, {storedBytes / 1e6:0.0} MB stored, {decoded / 1e6:0} MB decoded", storedBytes));
        }
        Directory.CreateDirectory(Path.Combine(bucket, StartUp));
        File.WriteAllBytes(Path.Combine(bucket, StartUp, "0.log.gz"), Workloads.Gzip("one line\n"u8.ToArray()));
        return shapes;
    }

    private static async Task StartServerAsync(CappedNetwork network, string data, int latencyMs)
    {
        string script = Path.Combine(RepoRoot(), "benchmarks", "servers", "static-s3.js");
        var psi = new ProcessStartInfo("bash", ["-c", $"exec {CappedNetwork.In("server")} node {script} {data} {ServerPort} {latencyMs} {network.Address("server")}"])
            { RedirectStandardOutput = true, RedirectStandardError = true };
        var server = network.Start(psi);
        _ = server.StandardError.ReadToEndAsync();
        var line = await server.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (line is null || !line.StartsWith("LISTENING")) throw new InvalidOperationException("the S3 server did not start");
        _ = server.StandardOutput.ReadToEndAsync();
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "S3TailActors.sln"))) return dir.FullName;
        throw new InvalidOperationException("cannot find the repository (S3TailActors.sln) above the benchmark");
    }

    private sealed record Result(double Seconds, string Sha, string FetchedBy);

    private static async Task<Result> RunOnceAsync(CappedNetwork network, string scratch, string secretFile, string endpoint, string shape, string mode, int workers)
    {
        var started = new List<Process>();
        try
        {
            for (int i = 1; i <= workers; i++) started.Add(await StartWorkerAsync(network, $"w{i}", scratch, secretFile, endpoint));
            var args = new List<string> { "--log-level", "info", "--cache-hours", "0", "--endpoint-url", endpoint };
            if (workers > 0)
                args.AddRange(["--workers", string.Join(',', Enumerable.Range(1, workers).Select(i => $"{network.Address($"w{i}")}:{WorkerPort}")), "--secret-file", secretFile]);
            if (mode == "grep") args.AddRange(["-F", "-e", Grep]);
            args.Add($"s3://bench/{shape}/");
            var psi = Psi(["-c", $"exec {CappedNetwork.In("run")} {ScriptRun.Cli} {string.Join(' ', args.Select(Quote))}"], Home(scratch));
            psi.RedirectStandardOutput = true;
            var clock = Stopwatch.StartNew();
            var run = network.Start(psi);
            var stderr = run.StandardError.ReadToEndAsync();
            var sha = await SHA256.HashDataAsync(run.StandardOutput.BaseStream);
            await run.WaitForExitAsync();
            double seconds = clock.Elapsed.TotalSeconds;
            if (run.ExitCode != 0) throw new InvalidOperationException($"s3tail {string.Join(' ', args)} failed: {await stderr}");
            return new Result(seconds, Convert.ToHexString(sha), FetchedBy(await stderr));
        }
        finally
        {
            foreach (var w in started)
            {
                if (!w.HasExited) w.Kill(true);
                await w.WaitForExitAsync();
                w.Dispose();
            }
        }
    }

    /// <summary>"objects fetched: this machine 40, 198.18.0.3:4053 28" → "40, 28"; alone, the downloads count.</summary>
    private static string FetchedBy(string stderr)
    {
        var by = Regex.Match(stderr, @"objects fetched: ([^\n]*)");
        if (by.Success) return string.Join(", ", Regex.Matches(by.Groups[1].Value, @" (\d+)(?:,|$)").Select(m => m.Groups[1].Value));
        var downloads = Regex.Match(stderr, @"(\d+) downloaded");
        return downloads.Success ? downloads.Groups[1].Value : "?";
    }

    /// <summary>An <c>s3tail worker</c> in node <paramref name="name"/>'s namespace, with its own home (an empty cache), once it listens.</summary>
    private static async Task<Process> StartWorkerAsync(CappedNetwork network, string name, string scratch, string secretFile, string endpoint)
    {
        string listen = $"{network.Address(name)}:{WorkerPort}";
        var p = network.Start(Psi(["-c", $"exec {CappedNetwork.In(name)} {ScriptRun.Cli} worker --listen {listen} --secret-file {Quote(secretFile)} --allow-endpoint {endpoint}"], Home(scratch)));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var said = new List<string>();
        while (await p.StandardError.ReadLineAsync().WaitAsync(deadline - DateTime.UtcNow) is { } line)
        {
            if (line.Contains("worker listening at"))
            {
                _ = p.StandardError.ReadToEndAsync();
                return p;
            }
            said.Add(line);
        }
        throw new InvalidOperationException($"the worker in {name} ended before it listened: {string.Join('\n', said)}");
    }

    private static ProcessStartInfo Psi(string[] args, string home)
    {
        var psi = new ProcessStartInfo("bash", args) { RedirectStandardError = true };
        ScriptRun.AsTestServerClient(psi, home);
        return psi;
    }

    private static string Home(string scratch)
    {
        var dir = Path.Combine(scratch, $"home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
