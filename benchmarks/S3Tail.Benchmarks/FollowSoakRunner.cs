using System.Diagnostics;
using System.Text;
using S3Tail.Following;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Benchmarks;

/// <summary>
/// Follow mode left running: thousands of fast polls while a steady trickle of access-log objects
/// arrives (some late), old ones expiring as a lifecycle rule would. Prints the polls, objects,
/// lines, the ledger's size and the process's memory early and at the end: what a follow costs
/// to leave running for days, compressed into a minute.
/// </summary>
public static class FollowSoakRunner
{
    public static async Task<int> RunAsync(TimeSpan duration)
    {
        var lookBack = TimeSpan.FromSeconds(20);
        using var source = new GrowingSource();
        long lines = 0;
        using var stop = new CancellationTokenSource();
        var request = new TailRequest
        {
            Source = source, Prefix = "logs/", Prefetch = 8,
            Follow = new FollowOptions(TimeSpan.FromMilliseconds(2), lookBack),
        };
        var run = S3TailEngine.RunAsync(request, (string key, long n, ReadOnlySpan<byte> line) => { Interlocked.Increment(ref lines); return true; },
            stop.Token);

        var clock = Stopwatch.StartNew();
        int put = 0, late = 0;
        (long Rss, long Heap)? early = null;
        while (clock.Elapsed < duration)
        {
            var now = DateTime.UtcNow;
            // One object every 10 ms; one in ten named 5 s back, so it arrives late.
            bool isLate = put % 10 == 9;
            var time = isLate ? now.AddSeconds(-5) : now;
            string key = $"logs/web-{KeyTime.Format(TimeForm.AccessLog, time)}-{put:X16}";
            source.Put(key, Encoding.UTF8.GetBytes($"{key} a\n{key} b\n"));
            put++;
            if (isLate) late++;
            source.Expire(now - 3 * lookBack);
            if (early is null && clock.Elapsed > TimeSpan.FromSeconds(10)) early = Memory();
            await Task.Delay(10);
        }
        await Task.Delay(500);
        var end = Memory();
        stop.Cancel();
        var result = await run;
        int polls = source.Lists;

        Console.WriteLine($"follow soak: {duration.TotalSeconds:0} s, poll every 2 ms, look-back {lookBack.TotalSeconds:0} s");
        Console.WriteLine($"  {polls} LIST requests (about {polls / Math.Max(1, duration.TotalSeconds):0} a second), {put} objects put ({late} late), " +
                          $"{result.Statistics.ObjectsWritten} written, {lines} lines (expected {2L * put})");
        Console.WriteLine($"  ledger: {result.Follow?.KnownCount ?? 0} objects known in the look-back window");
        if (early is { } e)
            Console.WriteLine($"  memory at 10 s: RSS {e.Rss / 1048576.0:0.0} MB, managed heap {e.Heap / 1048576.0:0.0} MB");
        Console.WriteLine($"  memory at end:  RSS {end.Rss / 1048576.0:0.0} MB, managed heap {end.Heap / 1048576.0:0.0} MB");
        return lines == 2L * put ? 0 : 1;
    }

    private static (long Rss, long Heap) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var self = Process.GetCurrentProcess();
        return (self.WorkingSet64, GC.GetTotalMemory(false));
    }

    /// <summary>A bucket objects arrive in and expire from while a follow lists it.</summary>
    private sealed class GrowingSource : IObjectSource
    {
        private readonly SortedDictionary<string, byte[]> _objects = new(Utf8Order.Instance);
        private int _lists;

        public int Lists => Volatile.Read(ref _lists);
        public string BucketName => "soak";
        public string? CacheIdentity => null;
        public bool ReadsInPlace => false;
        public string Describe(string key) => $"soak/{key}";

        public void Put(string key, byte[] content)
        {
            lock (_objects) _objects[key] = content;
        }

        /// <summary>Removes objects named before <paramref name="before"/>, as a lifecycle rule would.</summary>
        public void Expire(DateTime before)
        {
            lock (_objects)
                foreach (var key in _objects.Keys.TakeWhile(k => KeyTime.PeriodOf(k) is { } p && p.End < before).ToList())
                    _objects.Remove(key);
        }

        public Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _lists);
            lock (_objects)
            {
                var keys = _objects.Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)
                                               && (startAfter is null || Utf8Order.Instance.Compare(o.Key, startAfter) > 0))
                    .Take(maxKeys + 1).Select(o => new ObjectInfo(o.Key, $"\"{o.Value.Length}\"", o.Value.Length)).ToList();
                return Task.FromResult(new ListPage(keys.Take(maxKeys).ToList(), keys.Count > maxKeys));
            }
        }

        public Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken)
        {
            lock (_objects)
            {
                if (!_objects.TryGetValue(info.Key, out var content)) throw new ObjectMissingException(info.Key, new KeyNotFoundException(info.Key));
                return Task.FromResult<Stream>(new MemoryStream(content, (int)offset, content.Length - (int)offset, writable: false));
            }
        }

        public void Dispose() { }
    }
}
