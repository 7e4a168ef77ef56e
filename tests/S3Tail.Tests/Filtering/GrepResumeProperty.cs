using System.Text;
using Akka.TestKit.Xunit2;
using S3Tail.Bookmarks;
using S3Tail.Decoding;
using S3Tail.Filtering;
using S3Tail.Hosting;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Filtering;

/// <summary>
/// Exact resume under a filter: runs stopped anywhere — by -m, by a cancellation after any
/// batch — and resumed from their bookmarks write, all together, exactly the kept lines of one
/// uninterrupted run. Random objects (empty, CRLF, no final newline, lines longer than a batch),
/// random filters, random prefetch.
/// </summary>
public sealed class GrepResumeProperty() : TestKit(PipelineConfig.Hocon)
{
    private static List<(string Key, byte[] Content)> RandomObjects(Random random) =>
        Enumerable.Range(0, random.Next(1, 20)).Select(i =>
        {
            var text = new StringBuilder();
            int lines = random.Next(4) == 0 ? 0 : random.Next(1, 300);
            for (int l = 1; l <= lines; l++)
            {
                string word = random.Next(5) switch { 0 => "HIT", 1 => "hit", 2 => "miss", 3 => "Hit?", _ => "" };
                int pad = random.Next(50) == 0 ? 300_000 : random.Next(0, 120);   // now and then longer than a batch
                text.Append($"o{i} l{l} {word} {new string('x', pad)}{(random.Next(6) == 0 ? "\r" : "")}\n");
            }
            if (lines > 0 && random.Next(3) == 0) text.Length--;   // no newline at the end
            return ($"k/{i:D3}", Encoding.UTF8.GetBytes(text.ToString()));
        }).ToList();

    private static LineFilter RandomFilter(Random random) => random.Next(5) switch
    {
        0 => GrepFilter.Create(["HIT"], fixedStrings: true),
        1 => GrepFilter.Create(["hit"], fixedStrings: true, ignoreCase: true),
        2 => GrepFilter.Create(["HIT", "miss"], fixedStrings: true, invert: true),
        3 => GrepFilter.Create([@"l\d*7 (HIT|miss)"]),
        _ => GrepFilter.Create([@"\?\s"], invert: random.Next(2) == 0),
    };

    private static byte[] Expected(List<(string Key, byte[] Content)> objects, LineFilter filter)
    {
        var output = new MemoryStream();
        foreach (var (_, content) in objects)
        {
            var full = Objects.ExpectedOutput([("k", content)]);
            int pos = 0;
            while (pos < full.Length)
            {
                int nl = Array.IndexOf(full, (byte)'\n', pos);
                if (filter.Keep(full.AsSpan(pos, nl - pos))) output.Write(full, pos, nl - pos + 1);
                pos = nl + 1;
            }
        }
        return output.ToArray();
    }

    private sealed class CollectingSink(CancellationTokenSource cancel, int cancelAfterBatches) : ILineSink
    {
        public MemoryStream Output { get; } = new();
        private int _batches;

        public SinkResult Write(string key, LineBatch batch, CancellationToken stopping)
        {
            Output.Write(batch.Bytes);
            if (++_batches == cancelAfterBatches) cancel.Cancel();
            return SinkResult.All(batch);
        }
    }

    [Theory]
    [InlineData(1024 * 1024)]
    [InlineData(100)]
    public async Task Should_write_exactly_the_kept_lines_across_stops_and_resumes(int copyLimit)
    {
        // With a tiny copy limit almost every object is read again through its kept ranges. The
        // limit is process-wide: tests running meanwhile take the other path too, which is as
        // exact (only slower or faster).
        KeptLines.InMemoryLimit = copyLimit;
        try
        {
            await Trials(new Random(20261128 + copyLimit));
        }
        finally
        {
            KeptLines.InMemoryLimit = 1024 * 1024;
        }
    }

    private async Task Trials(Random random)
    {
        for (int trial = 0; trial < 40; trial++)
        {
            var objects = RandomObjects(random);
            using var source = new MemorySource(objects);
            var filter = RandomFilter(random);
            var expected = Expected(objects, filter);

            var written = new MemoryStream();
            Bookmark? bookmark = null;
            for (int run = 0; ; run++)
            {
                Assert.True(run < 200, $"trial {trial}: no end");
                using var cancel = new CancellationTokenSource();
                bool limit = random.Next(2) == 0;
                var sink = new CollectingSink(cancel, limit ? int.MaxValue : random.Next(1, 4));
                var request = new TailRequest
                {
                    Source = source, Bookmark = bookmark, Filter = filter, Prefetch = random.Next(1, 6),
                    MaxLines = limit ? random.Next(0, 40) : null,
                };
                var result = await S3TailEngine.RunAsync(Sys, request, sink, cancel.Token);
                // A stop inside a line longer than a batch leaves that line's first pieces written;
                // the bookmark is before it, so the next run writes it whole (README: a partial
                // line is the one thing a stop can leave).
                var output = sink.Output.ToArray();
                written.Write(output, 0, result.Reason == StopReason.Completed ? output.Length : Array.LastIndexOf(output, (byte)'\n') + 1);
                bookmark = result.Bookmark;
                if (result.Reason == StopReason.Completed) break;
                Assert.True(result.Reason is StopReason.Cancelled or StopReason.LimitReached, $"trial {trial}: {result.Reason} {result.Error}");
            }
            Assert.True(expected.AsSpan().SequenceEqual(written.ToArray()), $"trial {trial}: {written.Length} bytes written, {expected.Length} expected");
        }
    }
}
