using System.Text;
using Akka.TestKit.Xunit2;
using S3Tail.Bookmarks;
using S3Tail.Following;
using S3Tail.Hosting;
using S3Tail.Tests.Support;
using S3Tail.Windowing;

namespace S3Tail.Tests.Following;

/// <summary>
/// "Every object exactly once" across stops and restarts of a follow: objects of random times
/// inside the look-back window arrive in random order while runs follow, stop at random moments
/// (between objects, inside one, inside a late one) and resume from their bookmark and saved
/// state. The lines written over all the runs are each object's lines, each once.
/// </summary>
public sealed class FollowProperty() : TestKit(PipelineConfig.Hocon)
{
    private static readonly TimeSpan LookBack = TimeSpan.FromHours(1);

    private sealed record LogObject(string Key, byte[] Content, int Lines);

    private static List<LogObject> RandomObjects(Random random, DateTime now) =>
        Enumerable.Range(0, random.Next(5, 40)).Select(i =>
        {
            var time = now.AddSeconds(-random.Next(60, 50 * 60));
            string key = $"logs/{(random.Next(3) == 0 ? "api" : "web")}-{KeyTime.Format(TimeForm.AccessLog, time)}-{i:X16}";
            int lines = random.Next(1, 6);
            var text = string.Concat(Enumerable.Range(1, lines).Select(l => $"{key} {l}\n"));
            return new LogObject(key, Encoding.UTF8.GetBytes(text), lines);
        }).DistinctBy(o => o.Key).ToList();

    [Fact]
    public async Task Should_write_every_object_exactly_once_whatever_the_arrival_order_and_the_stops()
    {
        for (int seed = Seeds.Start; seed < Seeds.End; seed++)
        {
            var random = new Random(seed);
            var now = DateTime.UtcNow;
            var objects = RandomObjects(random, now);
            int present = random.Next(0, objects.Count + 1);
            using var source = new MemorySource(objects.Take(present).Select(o => (o.Key, o.Content)));
            var arrivals = objects.Skip(present).ToList();

            var written = new List<string>();
            Bookmark? bookmark = null;
            FollowState? saved = null;
            for (int run = 0; run < 40; run++)
            {
                // Arrivals between runs, and while the run follows.
                int arriveNow = random.Next(0, arrivals.Count + 1);
                foreach (var o in arrivals.Take(arriveNow)) source.Put(o.Key, o.Content);
                var later = arrivals.Skip(arriveNow).ToList();
                arrivals = [];

                bool last = later.Count == 0 && run > 0 && random.Next(3) == 0 || run == 39;
                using var stop = new CancellationTokenSource();
                var request = new TailRequest
                {
                    Source = source, Bookmark = bookmark, Prefetch = random.Next(1, 6),
                    Follow = new FollowOptions(TimeSpan.FromMilliseconds(15), LookBack) { Saved = saved },
                };
                int stopAfterLines = last ? int.MaxValue : random.Next(1, 30);
                int lines = 0;
                var running = S3TailEngine.RunAsync(Sys, request, new HandlerLineSink((string key, long n, ReadOnlySpan<byte> line) =>
                {
                    lock (written) written.Add(Encoding.UTF8.GetString(line));
                    if (++lines >= stopAfterLines) stop.Cancel();
                    return true;
                }), stop.Token);
                foreach (var o in later)
                {
                    await Task.Delay(random.Next(0, 15));
                    source.Put(o.Key, o.Content);
                }
                int expected = objects.Sum(o => o.Lines);
                var deadline = DateTime.UtcNow.AddSeconds(last ? 20 : random.Next(0, 3) * 0.05);
                while (DateTime.UtcNow < deadline && (!last || Count(written) < expected)) await Task.Delay(10);
                stop.Cancel();
                var result = await running;
                Assert.True(result.Reason is StopReason.Cancelled, $"seed {seed} run {run}: {result.Reason} {result.Error}");
                bookmark = result.Bookmark;
                saved = result.Follow!.ToState(DateTime.UtcNow - LookBack);
                if (last) break;
            }

            var all = objects.SelectMany(o => Enumerable.Range(1, o.Lines).Select(l => $"{o.Key} {l}")).Order(StringComparer.Ordinal);
            var duplicates = written.GroupBy(l => l).Where(g => g.Count() > 1).Select(g => g.Key).Take(3).ToList();
            Assert.True(duplicates.Count == 0, $"seed {seed}: written twice: {string.Join(", ", duplicates)}");
            var missing = all.Except(written).Take(3).ToList();
            Assert.True(missing.Count == 0, $"seed {seed}: never written: {string.Join(", ", missing)}");
            Assert.Equal(all, written.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>All seeds, or the one FOLLOW_SEED names (to replay a failure).</summary>
    private static (int Start, int End) Seeds =>
        Environment.GetEnvironmentVariable("FOLLOW_SEED") is { } one ? (int.Parse(one), int.Parse(one) + 1) : (0, 30);

    private static int Count(List<string> written)
    {
        lock (written) return written.Count;
    }
}
