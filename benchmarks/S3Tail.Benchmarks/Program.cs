using BenchmarkDotNet.Running;
using S3Tail.Benchmarks;

// quick [--objects N]: the scripted short run of every scenario, printing a table of ratios.
// cpu [--objects N]: client CPU per small object, s3tail against a bare SDK loop, as processes.
// auto [--objects N]: --prefetch auto against every fixed window at 5, 20 and 80 ms, and under 503s.
// peers [--latency MS] [--objects N]: 575 objects at 20 ms a request (the issue-11 workload) by s3tail, rclone + zcat and aws s3 cp + zcat.
// peers-large [--megabytes N] [--latency MS]: one gzip object (default 400 MB decoded) by s3tail, rclone cat | zcat, aws s3 cp - | zcat, and locally against zcat.
// grep [--objects N]: --grep against a pipe to grep on N objects of 8 MB (default 128: 1 GB), local folder and warm cache.
// large [--megabytes N]: one object (default 256 MB) behind a 16 MB/s per-connection cap, a single GET against s3tail's ranged parts.
// listing: LIST requests a --since/--until window costs, by log sources under the prefix and window length.
// listing-split [--objects N]: a day of access logs (default 50,000) at 200 ms a LIST and 20 ms a GET, the listing page after page against split by key time.
// regex: the .NET regex engines (Compiled, interpreted, NonBacktracking) on access-log text, as --grep searches it.
// follow [--seconds N]: follow mode left running: fast polls, a trickle of objects, memory early and late.
// workers [--objects N] [--megabytes M | --kilobytes K] [--latency MS]: a run on one machine against one and two loopback workers (default 40 objects of 4 MB, 20 ms).
// workers-net [--workers N] [--mbit M] [--latency MS] [--rounds R]: as root, the run and N workers (default 3) each on its own network namespace with a link capped at M Mbit/s (default 20), a grep and a dump over 0..N workers.
// gunzip [--megabytes N] [--file PATH]: s3tail's gunzip against GZipStream and zcat on one .gz (default: 400 MB of access-log lines, made once in $TMPDIR).
// records [--files N] [--records M] [--parquet N]: a CloudTrail day (default 96 files of 4000 records) as records, --format lines and zcat | jq -c '.Records[]'; Parquet flow logs to JSON and text.
// idle [--seconds N]: CPU an idle follow (empty folder) and an idle worker use while they wait.
// smoke: one tiny scenario (the test suite checks the benchmarks still build and run).
// bdn ARGS: the full BenchmarkDotNet run, e.g. `bdn --filter *`.
string mode = args.Length > 0 ? args[0] : "quick";
switch (mode)
{
    case "bdn":
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args[1..]);
        return 0;
    case "cpu":
        return await CpuRunner.RunAsync(args.Length > 2 && args[1] == "--objects" ? int.Parse(args[2]) : 800, rounds: 5);
    case "auto":
        return await AutoPrefetchRunner.RunAsync(args.Length > 2 && args[1] == "--objects" ? int.Parse(args[2]) : 5000);
    case "peers":
        return await PeersRunner.RunAsync(Option(args, "--objects") ?? 575, latencyMs: Option(args, "--latency") ?? 20, rounds: 3);
    case "peers-large":
        return await PeersLargeRunner.RunAsync(Option(args, "--megabytes") ?? 400, latencyMs: Option(args, "--latency") ?? 20, rounds: Option(args, "--rounds") ?? 5);
    case "workers":
        return await WorkersRunner.RunAsync(Option(args, "--objects") ?? 40, Option(args, "--megabytes") ?? 4, Option(args, "--latency") ?? 20, rounds: 3,
            kilobytesEach: Option(args, "--kilobytes"));
    case "workers-net":
        return await WorkersNetRunner.RunAsync(Option(args, "--workers") ?? 3, Option(args, "--mbit") ?? 20, Option(args, "--latency") ?? 20, rounds: Option(args, "--rounds") ?? 3);
    case "sdkloop":
        return await CpuRunner.SdkLoopAsync(args[1], args[2], int.Parse(args[3]));
    case "grep":
        return await GrepRunner.RunAsync(args.Length > 2 && args[1] == "--objects" ? int.Parse(args[2]) : 128, megabytesEach: 8, rounds: 3);
    case "large":
        return await LargeObjectRunner.RunAsync(args.Length > 2 && args[1] == "--megabytes" ? int.Parse(args[2]) : 256, bytesPerSecond: 16_000_000, rounds: 3);
    case "listing":
        return ListingRunner.Run();
    case "listing-split":
        return await SplitListingRunner.RunAsync(Option(args, "--objects") ?? 50_000, rounds: 3);
    case "regex":
        return RegexEngineRunner.Run();
    case "follow":
        return await FollowSoakRunner.RunAsync(TimeSpan.FromSeconds(args.Length > 2 && args[1] == "--seconds" ? int.Parse(args[2]) : 60));
    case "gunzip":
        return await GunzipRunner.RunAsync(Array.IndexOf(args, "--file") is var f and >= 0 ? args[f + 1] : null, Option(args, "--megabytes") ?? 400, rounds: 5);
    case "idle":
        return await IdleRunner.RunAsync(Option(args, "--seconds") ?? 20);
    case "records":
        return await RecordsRunner.RunAsync(Option(args, "--files") ?? 96, Option(args, "--records") ?? 4000, Option(args, "--parquet") ?? 200, rounds: 3);
    case "smoke":
        return await QuickRunner.SmokeAsync();
    case "quick":
        int objects = args.Length > 2 && args[1] == "--objects" ? int.Parse(args[2]) : 1000;
        return await QuickRunner.RunAsync(objects);
    default:
        Console.Error.WriteLine("usage: S3Tail.Benchmarks [quick [--objects N] | smoke | bdn BENCHMARKDOTNET-ARGS]");
        return 2;
}

public partial class Program
{
    /// <summary>The number after <paramref name="name"/> among the arguments, if given.</summary>
    private static int? Option(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : null;
}
