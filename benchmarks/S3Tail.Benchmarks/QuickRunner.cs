using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using S3Tail.Cache;
using S3Tail.Storage;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// The scripted benchmark: every scenario of README's Performance section, measured side by
/// side in one run on this machine, printed as a table of times, throughputs and ratios.
/// </summary>
public static class QuickRunner
{
    private sealed record Row(string Scenario, string Variant, double Seconds, long Bytes, long Objects, long Allocated, string Ratio, string Hash = "");

    private static readonly List<Row> Rows = [];
    private static readonly List<string> Verdicts = [];

    public static async Task<int> SmokeAsync()
    {
        var system = S3TailEngine.CreateActorSystem();
        var source = new LatencySource(Workloads.ManySmall(20), TimeSpan.FromMilliseconds(5));
        var seq = await Measure("smoke", "sequential", () => Sequential(source, null));
        var act = await Measure("smoke", "actors p8", () => Actors(system, source, 8, null), seq);
        var con = await Measure("smoke", "concurrent n8", () => Concurrent(source, 8, null), seq);
        await system.Terminate();
        PrintTable();
        return seq.Hash == act.Hash && seq.Hash == con.Hash && seq.Bytes > 0 ? 0 : 1;
    }

    public static async Task<int> RunAsync(int smallObjects)
    {
        Console.WriteLine($"s3tail benchmarks: {Environment.ProcessorCount} cores, .NET {Environment.Version}, {RuntimeInformation()}");
        var system = S3TailEngine.CreateActorSystem();
        var scratch = Directory.CreateTempSubdirectory("s3tail-bench-").FullName;
        try
        {
            // S1, in process: the engine's own ceiling.
            var small = Workloads.ManySmall(smallObjects);
            var inProcess = new LatencySource(small, TimeSpan.FromMilliseconds(20));
            var s1Seq = await Measure("S1 in-process", "sequential", () => Sequential(inProcess, null));
            await Measure("S1 in-process", "concurrent n32 (no actors)", () => Concurrent(inProcess, 32, null), s1Seq);
            var s1 = new Dictionary<int, Row>();
            foreach (int p in new[] { 1, 4, 8, 16, 32, 64 })
                s1[p] = await Measure("S1 in-process", $"actors p{p}", () => Actors(system, inProcess, p, null), s1Seq);
            Verdict("S1 in-process: prefetch 32 ≥ 12× sequential", s1Seq.Seconds / s1[32].Seconds, 12);

            // S1 and S2 against the S3 test server.
            await using var server = await S3TestServer.StartAsync(Path.Combine(scratch, "s3rver"));
            Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", S3TestServer.AccessKey);
            Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", S3TestServer.SecretKey);
            Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
            var s1Bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("s1"));
            await server.PutAllAsync(s1Bucket, small, parallel: 16);
            await server.SetRulesAsync(s1Bucket, new { op = "any", delayMs = 20 });
            using var s1Source = new S3ObjectSource(s1Bucket, new S3Settings(EndpointUrl: server.Endpoint));
            var s1sSeq = await Measure("S1 s3rver", "sequential", () => Sequential(s1Source, null));
            var s1s = new Dictionary<int, Row>();
            // The full curve is the in-process sweep's; through the server, its knee and top.
            foreach (int p in new[] { 8, 32, 64 })
                s1s[p] = await Measure("S1 s3rver", $"actors p{p}", () => Actors(system, s1Source, p, null), s1sSeq);
            Verdict("S1 s3rver: prefetch 32 ≥ 12× sequential", s1sSeq.Seconds / s1s[32].Seconds, 12);

            var large = Workloads.LargeGzip(8, 64);
            var s2Source = new LatencySource(large.Select(o => (o.Key, o.Stored)).ToList(), TimeSpan.Zero);
            var s2Seq = await Measure("S2 in-process", "sequential", () => Sequential(s2Source, null), repeats: 2);
            await Measure("S2 in-process", "concurrent n8 (no actors)", () => Concurrent(s2Source, 8, null), s2Seq, repeats: 2);
            var s2 = await Measure("S2 in-process", "actors p8", () => Actors(system, s2Source, 8, null), s2Seq, repeats: 2);
            Verdict("S2 in-process: actors ≥ 1.4× sequential", s2Seq.Seconds / s2.Seconds, 1.4);

            var s2Bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("s2"));
            await server.PutAllAsync(s2Bucket, large.Select(o => (o.Key, o.Stored)), parallel: 4);
            using var s2sSource = new S3ObjectSource(s2Bucket, new S3Settings(EndpointUrl: server.Endpoint));
            var s2sSeq = await Measure("S2 s3rver", "sequential", () => Sequential(s2sSource, null), repeats: 2);
            var s2s = await Measure("S2 s3rver", "actors p8", () => Actors(system, s2sSource, 8, null), s2sSeq, repeats: 2);
            Verdict("S2 s3rver: actors ≥ 1.4× sequential", s2sSeq.Seconds / s2s.Seconds, 1.4);

            // S3: S2 again with the cache filled.
            var cache = new ObjectCache(Path.Combine(scratch, "cache"), TimeSpan.FromHours(1));
            await Actors(system, s2Source, 8, cache);
            var s3Seq = await Measure("S3 warm cache", "sequential", () => Sequential(s2Source, cache), repeats: 2);
            var s3 = await Measure("S3 warm cache", "actors p8", () => Actors(system, s2Source, 8, cache), s3Seq, repeats: 2);
            Verdict("S3: warm ≥ 3× S2 cold (actors)", s2.Seconds / s3.Seconds, 3);
            var cat = CatThroughput(large, scratch);
            Rows.Add(new Row("S3 warm cache", "cat > /dev/null", cat.Seconds, cat.Bytes, large.Count, 0, ""));
            Console.WriteLine($"  S3 warm actors run at {(s3.Seconds > 0 ? cat.Seconds / s3.Seconds : 0):P0} of cat's throughput on the same decoded bytes");

            // Memory of the CLI as a process, and a slow reader.
            string cli = Path.Combine(AppContext.BaseDirectory, "s3tail");
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);
            long m1 = PeakRss(cli, home, ["--endpoint-url", server.Endpoint, "-p", "32", "--cache-hours", "0", $"s3://{s1Bucket}/"]);
            long m2 = PeakRss(cli, home, ["--endpoint-url", server.Endpoint, "-p", "32", "--cache-hours", "0", $"s3://{s2Bucket}/"]);
            Console.WriteLine($"  peak RSS of the CLI at --prefetch 32: S1 {m1 / 1024} MB, S2 {m2 / 1024} MB");
            Verdict("memory: S1 peak RSS < 200 MB", 200.0 * 1024 / Math.Max(1, m1), 1);
            Verdict("memory: S2 peak RSS < 200 MB", 200.0 * 1024 / Math.Max(1, m2), 1);
            await SlowReader(server, cli, home, scratch);

            // Start-up, as whole processes: the build output (JIT) and a ReadyToRun publish. A
            // bucket of one object: s3rver's listing cost grows with the bucket, s3tail's does not.
            var oneBucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("one"));
            await server.PutAsync(oneBucket, small[0].Key, small[0].Stored);
            await StartUp(cli, "build (JIT)", server, oneBucket, small[0].Key, home);
            var r2r = PublishReadyToRun(scratch);
            if (r2r is not null) await StartUp(r2r, "ReadyToRun", server, oneBucket, small[0].Key, home);
        }
        finally
        {
            await system.Terminate();
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
        PrintTable();
        Console.WriteLine();
        foreach (var v in Verdicts) Console.WriteLine(v);
        return 0;
    }

    private static async Task<(long, long, string)> Sequential(IObjectSource source, ObjectCache? cache)
    {
        var sink = new HashingSink();
        long objects = await SequentialTail.RunAsync(source, "", cache, sink);
        return (sink.Bytes, objects, sink.Hash());
    }

    private static async Task<(long, long, string)> Concurrent(IObjectSource source, int concurrency, ObjectCache? cache)
    {
        var sink = new HashingSink();
        long objects = await ConcurrentTail.RunAsync(source, "", cache, sink, concurrency);
        return (sink.Bytes, objects, sink.Hash());
    }

    private static async Task<(long, long, string)> Actors(ActorSystem system, IObjectSource source, int prefetch, ObjectCache? cache)
    {
        var sink = new HashingSink();
        var result = await S3TailEngine.RunAsync(system, new TailRequest { Source = source, Prefetch = prefetch, Cache = cache }, sink);
        if (result.Reason != StopReason.Completed) throw new InvalidOperationException($"run ended {result.Reason}: {result.Error}");
        return (sink.Bytes, result.Statistics.ObjectsWritten, sink.Hash());
    }

    /// <summary>Best of <paramref name="repeats"/> runs; ratio = baseline time / this time.</summary>
    private static async Task<Row> Measure(string scenario, string variant, Func<Task<(long Bytes, long Objects, string Hash)>> run,
        Row? baseline = null, int repeats = 1)
    {
        Row? best = null;
        for (int i = 0; i < repeats; i++)
        {
            GC.Collect();
            long allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            var (bytes, objects, hash) = await run();
            double seconds = clock.Elapsed.TotalSeconds;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            // The same bytes as the baseline, by SHA-256: a case that wrote something else fails.
            if (baseline is not null && hash != baseline.Hash)
                throw new InvalidOperationException($"{scenario} {variant}: output SHA-256 {hash}, the baseline's {baseline.Hash}");
            var row = new Row(scenario, variant, seconds, bytes, objects, allocated,
                baseline is null ? "1.00×" : $"{baseline.Seconds / seconds:F2}×", hash);
            if (best is null || row.Seconds < best.Seconds) best = row;
        }
        Rows.Add(best!);
        Console.WriteLine($"  {Format(best!)}");
        return best!;
    }

    private static void Verdict(string target, double measured, double needed) =>
        Verdicts.Add($"{(measured >= needed ? "met   " : "MISSED")}  {target}: {measured:F2} (needs {needed})");

    private static (double Seconds, long Bytes) CatThroughput(List<(string Key, byte[] Stored, long Decoded)> large, string scratch)
    {
        var file = Path.Combine(scratch, "decoded.log");
        using (var output = File.Create(file))
            foreach (var (_, stored, _) in large)
                S3Tail.Decoding.GzipDetection.Decode(new MemoryStream(stored)).CopyTo(output);
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            using var cat = Process.Start(new ProcessStartInfo("sh", ["-c", $"cat '{file}' > /dev/null"]))!;
            cat.WaitForExit();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        long bytes = new FileInfo(file).Length;
        File.Delete(file);
        return (best, bytes);
    }

    /// <summary>Peak resident memory (KB) of a whole CLI run, from /usr/bin/time.</summary>
    private static long PeakRss(string cli, string home, string[] args)
    {
        var psi = new ProcessStartInfo("/usr/bin/time", ["-f", "%M", cli, .. args])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["HOME"] = home },
        };
        using var p = Process.Start(psi)!;
        var drain = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        drain.Wait();
        var last = err.Trim().Split('\n')[^1];
        return long.TryParse(last, out long kb) ? kb : -1;
    }

    /// <summary>Issue's slow reader: 4 objects of 100 MB, --prefetch 32, stdout read at ~8 KB/s.</summary>
    private static async Task SlowReader(S3TestServer server, string cli, string home, string scratch)
    {
        var bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("slow"));
        await server.PutAllAsync(bucket, Enumerable.Range(0, 4).Select(i => ($"big/{i}", Workloads.LargeLog(i, 100))), parallel: 2);
        var tmp = Path.Combine(scratch, "tmp");
        Directory.CreateDirectory(tmp);
        var psi = new ProcessStartInfo(cli, ["--endpoint-url", server.Endpoint, "-p", "32", "--cache-hours", "0", $"s3://{bucket}/big/"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
            Environment = { ["HOME"] = home, ["TMPDIR"] = tmp },
        };
        using var p = Process.Start(psi)!;
        var buffer = new byte[1024];
        long peakKb = 0, spoolBytes = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(12))
        {
            if (await p.StandardOutput.BaseStream.ReadAsync(buffer) == 0) break; // ended early
            await Task.Delay(125);
            peakKb = Math.Max(peakKb, ReadVmHwm(p.Id));
            spoolBytes = Math.Max(spoolBytes, Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories)
                .Where(f => f.Contains("s3tail-spool-")).Sum(f => new FileInfo(f).Length));
        }
        p.Kill(true);
        Console.WriteLine($"  slow reader (8 KB/s), 4 × 100 MB, --prefetch 32: peak RSS {peakKb / 1024} MB, spool on disk at most {spoolBytes >> 20} MB");
        Verdict("slow reader: peak RSS < 200 MB", 200.0 * 1024 / Math.Max(1, peakKb), 1);
    }

    private static long ReadVmHwm(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException) { return 0; }
    }

    private static string? PublishReadyToRun(string scratch)
    {
        var output = Path.Combine(scratch, "r2r");
        var cliProject = Path.Combine(RepoPaths.Root, "src", "S3Tail.Cli", "S3Tail.Cli.csproj");
        var psi = new ProcessStartInfo("dotnet", ["publish", cliProject, "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
            "-p:PublishReadyToRun=true", "-o", output]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? Path.Combine(output, "s3tail") : null;
    }

    private static async Task StartUp(string cli, string build, S3TestServer server, string bucket, string key, string home)
    {
        string[] one = ["--endpoint-url", server.Endpoint, "-q", $"s3://{bucket}/{key}"];
        Time(cli, one, home); // fills the cache
        double version = Median(() => Time(cli, ["--version"], home));
        double cached = Median(() => Time(cli, one, home));
        Console.WriteLine($"  start-up ({build}): --version {version * 1000:F0} ms, one cached object {cached * 1000:F0} ms (medians of 11)");
        Rows.Add(new Row("start-up", $"{build}: --version", version, 0, 0, 0, ""));
        Rows.Add(new Row("start-up", $"{build}: one cached object", cached, 0, 1, 0, ""));
        Verdict($"start-up ({build}): --version ≤ 120 ms", 0.120 / version, 1);
        Verdict($"start-up ({build}): one cached object ≤ 300 ms", 0.300 / cached, 1);
    }

    private static double Median(Func<double> measure) => Stats.Median(Enumerable.Range(0, 11).Select(_ => measure()));

    private static double Time(string cli, string[] args, string home)
    {
        var psi = new ProcessStartInfo(cli, args) { RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["HOME"] = home } };
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardOutput.BaseStream.CopyTo(Stream.Null);
        p.WaitForExit();
        return clock.Elapsed.TotalSeconds;
    }

    private static string RuntimeInformation() =>
        System.Runtime.InteropServices.RuntimeInformation.OSDescription + ", " +
        (File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':')[1].Trim() : "");

    private static string Format(Row r)
    {
        double mb = r.Bytes / 1e6;
        string perMb = mb > 0 && r.Allocated > 0 ? $"{r.Allocated / mb / 1024:F0} KB/MB" : "";
        return $"{r.Scenario,-14} {r.Variant,-30} {r.Seconds,8:F2} s {(r.Seconds > 0 && mb > 0 ? mb / r.Seconds : 0),9:F1} MB/s {(r.Seconds > 0 ? r.Objects / r.Seconds : 0),9:F0} obj/s {perMb,12} {r.Ratio,8}";
    }

    private static void PrintTable()
    {
        Console.WriteLine();
        Console.WriteLine($"{"scenario",-14} {"variant",-30} {"time",10} {"throughput",14} {"objects",13} {"allocated",12} {"vs seq",8}");
        foreach (var row in Rows) Console.WriteLine(Format(row));
    }
}
