using System.Diagnostics;
using S3Tail.Storage;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>listing-split</c>: a day of S3 access logs under one prefix (50,000 small objects named
/// <c>PREFIX-YYYY-MM-DD-HH-MM-SS-UNIQUE</c> at random times of the day), in process, at 200 ms a
/// 1,000-key LIST and 20 ms a GET, 256 GETs in flight. Paging alone needs 50 LISTs one after
/// another (10 s); the GETs alone about 50,000 / 256 × 20 ms (4 s). The whole dump is timed with
/// the listing page after page (before) and split into concurrent key-time ranges (after), and
/// against the GET-bound time measured with LISTs that cost nothing. Outputs are hashed and must
/// agree.
/// </summary>
public static class SplitListingRunner
{
    private const int Prefetch = 256;

    public static async Task<int> RunAsync(int objects, int rounds)
    {
        var day = new DateTime(2016, 9, 11, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(11);
        var keys = Enumerable.Range(0, objects)
            .Select(i => $"logs/collab-production-s3-access-{day.AddSeconds(random.Next(86_400)):yyyy-MM-dd-HH-mm-ss}-{random.NextInt64():X16}")
            .Distinct().ToList();
        var bodies = keys.Select((k, i) => (k, Workloads.AccessLog(i, 300))).ToList();
        var get = TimeSpan.FromMilliseconds(20);
        var slowLists = new LatencySource(bodies, get) { ListLatency = TimeSpan.FromMilliseconds(200) };
        var freeLists = new LatencySource(bodies, get) { ListLatency = TimeSpan.Zero };
        Console.WriteLine($"{keys.Count:N0} access-log objects over one day, ~330 B each, in process: 200 ms a LIST of 1,000 keys, " +
                          $"20 ms a GET, {Prefetch} GETs in flight, median of {rounds}:");

        var clock = Stopwatch.StartNew();
        int lists = await PageAllAsync(slowLists);
        double pagingOnly = clock.Elapsed.TotalSeconds;

        var system = S3TailEngine.CreateActorSystem();
        var samples = new Dictionary<string, List<double>> { ["get"] = [], ["before"] = [], ["after"] = [] };
        string? expected = null;
        for (int round = 0; round < rounds; round++)
        {
            foreach (var (name, source, split) in new[] { ("get", freeLists, false), ("before", slowLists, false), ("after", slowLists, true) })
            {
                var (seconds, hash) = await RunAsync(system, source, split);
                expected ??= hash;
                if (hash != expected) throw new InvalidOperationException($"the {name} run wrote other bytes");
                samples[name].Add(seconds);
            }
        }
        await system.Terminate();

        var t = samples.ToDictionary(s => s.Key, s => Stats.Median(s.Value));
        double computedGets = keys.Count / (double)Prefetch * get.TotalSeconds;
        Console.WriteLine($"| | time | / GET-bound |");
        Console.WriteLine($"|---|---|---|");
        Console.WriteLine($"| paging alone ({lists} LISTs one after another) | {pagingOnly:0.00} s | {pagingOnly / t["get"]:0.00}× |");
        Console.WriteLine($"| GETs alone ({keys.Count:N0} / {Prefetch} × 20 ms = {computedGets:0.00} s; measured with free LISTs) | {t["get"]:0.00} s | 1.00× |");
        Console.WriteLine($"| whole dump, listing page after page (before) | {t["before"]:0.00} s | {t["before"] / t["get"]:0.00}× |");
        Console.WriteLine($"| whole dump, listing split by key time (after) | {t["after"]:0.00} s | **{t["after"] / t["get"]:0.00}×** |");
        bool met = t["after"] <= 1.2 * t["get"];
        Console.WriteLine(met ? "split listing within 1.2× the GET-bound time" : "split listing MISSED the 1.2× target");
        return 0;
    }

    /// <summary>LIST after LIST through the whole prefix, nothing else: the listing's own time.</summary>
    private static async Task<int> PageAllAsync(IObjectSource source)
    {
        string? after = null;
        int lists = 0;
        ListPage page;
        do
        {
            page = await source.ListAsync("", after, 1000, CancellationToken.None);
            lists++;
            if (page.Objects.Count > 0) after = page.Objects[^1].Key;
        } while (page.IsTruncated);
        return lists;
    }

    private static async Task<(double Seconds, string Hash)> RunAsync(Akka.Actor.ActorSystem system, IObjectSource source, bool split)
    {
        var sink = new HashingSink();
        var clock = Stopwatch.StartNew();
        var result = await S3TailEngine.RunAsync(system, new TailRequest
        {
            Source = source, Prefix = "logs/", Prefetch = Prefetch, SplitListing = split,
        }, sink);
        if (result.Reason != StopReason.Completed) throw new InvalidOperationException($"run ended {result.Reason}: {result.Error}");
        return (clock.Elapsed.TotalSeconds, sink.Hash());
    }
}
