using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Hosting;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Pipeline;

/// <summary>
/// A whole run whose downloaders are stopped under it mid-fetch — crashed (<see cref="Kill"/>) or
/// stopped (<see cref="PoisonPill"/>): the objects they held are given out again, and the run
/// still writes every line once, in order, and ends.
/// </summary>
public sealed class DownloaderLossSpecs() : TestKit(PipelineConfig.Hocon)
{
    [Theory]
    [InlineData("kill")]
    [InlineData("poison")]
    public async Task Should_write_every_line_once_in_order_when_downloaders_stop_mid_fetch(string how)
    {
        const int objects = 12, lines = 5;
        using var source = new MemorySource(Enumerable.Range(0, objects)
            .Select(i => ($"k{i:D2}", Text(string.Concat(Enumerable.Range(1, lines).Select(l => $"{i}.{l}\n"))))))
        {
            OpenDelay = TimeSpan.FromMilliseconds(300),
        };
        var seen = new List<string>();
        var run = S3TailEngine.RunAsync(Sys, new TailRequest { Source = source, Prefetch = 3 },
            new HandlerLineSink((string key, long n, ReadOnlySpan<byte> line) =>
            {
                lock (seen) seen.Add($"{key}:{n}={System.Text.Encoding.UTF8.GetString(line)}");
                return true;
            }));

        // Every downloader is inside an open (they take 300 ms) when it is stopped.
        using (var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
            while (source.Opens.Count < 3) await Task.Delay(5, patience.Token);
        object stop = how == "kill" ? Kill.Instance : PoisonPill.Instance;
        Sys.ActorSelection("/user/run-*/dispatcher/downloader-*").Tell(stop);

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(StopReason.Completed, result.Reason);
        var expected = new List<string>();
        for (int i = 0; i < objects; i++)
            for (int l = 1; l <= lines; l++) expected.Add($"k{i:D2}:{l}={i}.{l}");
        Assert.Equal(expected, seen);
        Assert.Equal(new S3Tail.Bookmarks.Bookmark($"k{objects - 1:D2}", lines), result.Bookmark);
        // The objects the stopped downloaders held were fetched again.
        Assert.Contains(source.Opens.Values, n => n == 2);
    }
}
