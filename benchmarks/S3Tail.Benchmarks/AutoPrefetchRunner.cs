using System.Diagnostics;
using S3Tail.Storage;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>auto</c>: --prefetch auto against every fixed window, at 5, 20 and 80 ms per request, in
/// one run (in process, so only latency differs); then auto under injected 503 SlowDown answers,
/// to show it backing off. Outputs are checked by byte count and SHA-256 against the fixed runs.
/// </summary>
public static class AutoPrefetchRunner
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(int objects)
    {
        var system = S3TailEngine.CreateActorSystem();
        var small = Workloads.ManySmall(objects);
        Console.WriteLine($"--prefetch auto against fixed windows, objects of 4 KB, in process, median of {Rounds}:");
        bool allWithin = true;
        // Each run long enough that the ramp-up is a small part of it, as it is for a day of logs.
        foreach (var (latency, count) in new[] { (5, objects * 4), (20, objects * 2), (80, objects) })
        {
            var source = new LatencySource(Workloads.ManySmall(count), TimeSpan.FromMilliseconds(latency));
            var samples = new Dictionary<string, List<double>>();
            string? expected = null;
            int autoWindow = 0;
            // Rounds interleaved, medians compared: one run each swung ±10% on this machine.
            for (int round = 0; round < Rounds; round++)
                foreach (int p in new[] { 16, 32, 64, 128, 256, TailRequest.AutoPrefetch })
                {
                    var (seconds, hash, window) = await Run(system, source, p);
                    expected ??= hash;
                    if (hash != expected) throw new InvalidOperationException($"p{p} at {latency} ms wrote other bytes");
                    string name = p == 0 ? "auto" : $"p{p}";
                    (samples.TryGetValue(name, out var list) ? list : samples[name] = []).Add(seconds);
                    if (p == 0) autoWindow = window;
                }
            var times = samples.ToDictionary(s => s.Key, s => Stats.Median(s.Value));
            Console.WriteLine($"  {latency,3} ms, {count} objects: auto ended at a window of {autoWindow} (last round)");
            var best = times.Where(t => t.Key != "auto").MinBy(t => t.Value);
            double ratio = times["auto"] / best.Value;
            allWithin &= ratio <= 1.10;
            Console.WriteLine($"  {latency,3} ms: " + string.Join("  ", times.Select(t => $"{t.Key} {t.Value:0.00}s")) +
                              $"  → auto {ratio:0.00}× the best fixed ({best.Key}); target ≤ 1.10");
        }
        var throttled = new LatencySource(small, TimeSpan.FromMilliseconds(20)) { SlowDownProbability = 0.02 };
        var (t503, _, w503) = await Run(system, throttled, TailRequest.AutoPrefetch);
        var (t503Fixed, _, _) = await Run(system, throttled, 256);
        Console.WriteLine($"  20 ms with 2% of GETs answered 503 SlowDown: auto {t503:0.00}s, ending at a window of {w503}; p256 {t503Fixed:0.00}s");
        await system.Terminate();
        Console.WriteLine(allWithin ? "auto within 10% of the best fixed window at every latency" : "auto MISSED the 10% target somewhere");
        return 0;
    }

    private static async Task<(double Seconds, string Hash, int Window)> Run(Akka.Actor.ActorSystem system, IObjectSource source, int prefetch)
    {
        var sink = new HashingSink();
        var clock = Stopwatch.StartNew();
        var result = await S3TailEngine.RunAsync(system, new TailRequest
        {
            Source = source, Prefetch = prefetch, Retry = RetryPolicy.Default with { BaseDelay = TimeSpan.FromMilliseconds(20) },
        }, sink);
        if (result.Reason != StopReason.Completed) throw new InvalidOperationException($"run ended {result.Reason}: {result.Error}");
        return (clock.Elapsed.TotalSeconds, sink.Hash(), result.Statistics.PrefetchWindow);
    }
}
