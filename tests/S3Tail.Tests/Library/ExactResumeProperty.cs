using System.Text;
using Akka.TestKit.Xunit2;
using S3Tail.Bookmarks;
using S3Tail.Decoding;
using S3Tail.Hosting;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Library;

/// <summary>
/// The exact-resume promise as a property: wherever a run stops, the run resumed from its
/// bookmark writes exactly the rest — no line twice, none missing. Random objects (empty ones,
/// long ones, no final newline), random stop points, random prefetch; runs share one ActorSystem.
/// </summary>
public sealed class ExactResumeProperty() : TestKit(PipelineConfig.Hocon)
{
    private static List<(string Key, byte[] Content)> RandomObjects(Random random)
    {
        return Enumerable.Range(0, random.Next(1, 25)).Select(i =>
        {
            int lines = random.Next(0, 4) == 0 ? 0 : random.Next(1, 400);
            var text = new StringBuilder();
            for (int l = 1; l <= lines; l++) text.Append($"obj{i}-line{l}-{new string('x', random.Next(0, 300))}\n");
            if (lines > 0 && random.Next(3) == 0) text.Length--; // no newline at the end
            return ($"k/{i:D3}{(random.Next(4) == 0 ? ":x" : "")}", Encoding.UTF8.GetBytes(text.ToString()));
        }).ToList();
    }

    /// <summary>Collects the output as the CLI writes it; optionally cancels after a number of batches.</summary>
    private sealed class CollectingSink(CancellationTokenSource? cancelAfter = null, int batches = int.MaxValue) : ILineSink
    {
        public MemoryStream Output { get; } = new();
        private int _batches;

        public SinkResult Write(string key, LineBatch batch, CancellationToken stopping)
        {
            Output.Write(batch.Bytes);
            if (++_batches == batches) cancelAfter?.Cancel();
            return SinkResult.All(batch);
        }
    }

    private async Task<(byte[] Output, TailResult Result)> Run(MemorySource source, Bookmark? from, int prefetch,
        Func<string, long, bool>? stopAfter = null, int cancelAfterBatches = 0)
    {
        if (stopAfter is not null)
        {
            var output = new MemoryStream();
            var result = await S3TailEngine.RunAsync(Sys, new TailRequest { Source = source, Bookmark = from, Prefetch = prefetch },
                new HandlerLineSink((string key, long n, ReadOnlySpan<byte> line) =>
                {
                    output.Write(line);
                    output.WriteByte((byte)'\n');
                    return !stopAfter(key, n);
                }));
            return (output.ToArray(), result);
        }
        using var cts = new CancellationTokenSource();
        var sink = new CollectingSink(cancelAfterBatches > 0 ? cts : null, cancelAfterBatches);
        var r = await S3TailEngine.RunAsync(Sys, new TailRequest { Source = source, Bookmark = from, Prefetch = prefetch }, sink, cts.Token);
        return (sink.Output.ToArray(), r);
    }

    [Fact]
    public async Task Should_write_exactly_the_rest_after_a_handler_stop_anywhere()
    {
        var random = new Random(20161111);
        for (int trial = 0; trial < 40; trial++)
        {
            var objects = RandomObjects(random);
            using var source = new MemorySource(objects);
            var expected = Objects.ExpectedOutput(objects);
            var nonEmpty = objects.Where(o => o.Content.Length > 0).ToList();
            if (nonEmpty.Count == 0) continue;
            var (stopKey, content) = nonEmpty[random.Next(nonEmpty.Count)];
            long lines = Objects.ExpectedOutput([(stopKey, content)]).Count(b => b == '\n');
            long stopLine = random.Next(1, (int)lines + 1);
            int prefetch = random.Next(1, 9);

            var (first, stopped) = await Run(source, null, prefetch, (k, n) => k == stopKey && n == stopLine);
            Assert.Equal(StopReason.HandlerStopped, stopped.Reason);
            Assert.Equal(new Bookmark(stopKey, stopLine), stopped.Bookmark);
            var (rest, resumed) = await Run(source, stopped.Bookmark, random.Next(1, 9));
            Assert.Equal(StopReason.Completed, resumed.Reason);

            Assert.Equal(expected, first.Concat(rest).ToArray());
        }
    }

    [Fact]
    public async Task Should_write_exactly_the_rest_after_a_cancellation_at_any_batch()
    {
        var random = new Random(42);
        for (int trial = 0; trial < 25; trial++)
        {
            var objects = RandomObjects(random);
            using var source = new MemorySource(objects);
            var expected = Objects.ExpectedOutput(objects);
            var (first, stopped) = await Run(source, null, random.Next(1, 9), cancelAfterBatches: random.Next(1, 6));
            var (rest, _) = await Run(source, stopped.Bookmark, random.Next(1, 9));
            Assert.Equal(expected, first.Concat(rest).ToArray());
        }
    }
}
