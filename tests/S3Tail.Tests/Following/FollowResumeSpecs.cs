using System.Text;
using Akka.TestKit.Xunit2;
using S3Tail.Bookmarks;
using S3Tail.Following;
using S3Tail.Hosting;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Windowing;

namespace S3Tail.Tests.Following;

/// <summary>
/// Resuming a follow that stopped inside (or at the very end of) a late object, through the
/// engine: the saved state must name that object until a run gets it to its end, however many
/// runs stop before then.
/// </summary>
public sealed class FollowResumeSpecs() : TestKit(PipelineConfig.Hocon)
{
    private static readonly TimeSpan LookBack = TimeSpan.FromHours(1);
    private static readonly DateTime Started = DateTime.UtcNow;

    // A late object (it sorts before the bookmark's key) and the object the bookmark is in.
    private static readonly string Late = $"logs/api-{KeyTime.Format(TimeForm.AccessLog, Started.AddMinutes(-30))}-L";
    private static readonly string Marked = $"logs/web-{KeyTime.Format(TimeForm.AccessLog, Started.AddMinutes(-10))}-M";
    private static readonly byte[] LateContent = Encoding.UTF8.GetBytes($"{Late} 1\n{Late} 2\n{Late} 3\n");
    private static readonly byte[] MarkedContent = Encoding.UTF8.GetBytes($"{Marked} 1\n");

    // How MemorySource lists them (its ETag is the content's length, quoted).
    private static ObjectInfo LateInfo => new(Late, $"\"{LateContent.Length}\"", LateContent.Length);

    /// <summary>Runs a follow from <paramref name="saved"/> until <paramref name="until"/> says so; the lines it wrote and the state it would save.</summary>
    private async Task<(List<string> Lines, FollowState Saved)> Follow(MemorySource source, FollowState saved, Func<FollowProgress, bool> until)
    {
        var lines = new List<string>();
        var stop = new CancellationTokenSource();   // not disposed: the lister may still report as the run ends
        var request = new TailRequest
        {
            Source = source, Bookmark = new Bookmark(Marked, 1), Prefetch = 2,
            Follow = new FollowOptions(TimeSpan.FromMilliseconds(15), LookBack)
            {
                Saved = saved,
                Changed = progress => { if (until(progress)) stop.Cancel(); },
            },
        };
        var result = await S3TailEngine.RunAsync(Sys, request, new HandlerLineSink((string key, long n, ReadOnlySpan<byte> line) =>
        {
            lock (lines) lines.Add(Encoding.UTF8.GetString(line));
            return true;
        }), stop.Token).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(StopReason.Cancelled, result.Reason);
        return (lines, result.Follow!.ToState(DateTime.UtcNow - LookBack));
    }

    [Fact]
    public async Task Should_not_write_a_late_object_again_when_a_run_stops_before_it_resumed_it()
    {
        using var source = new MemorySource([(Late, LateContent), (Marked, MarkedContent)]);
        // An earlier run wrote all three lines of the late object and stopped before it ended.
        var saved = new FollowState([new KnownObject(Marked, $"\"{MarkedContent.Length}\"", KeyTime.PeriodOf(Marked)!.Value.End)],
            new PartialObject(LateInfo.Key, LateInfo.ETag, LateInfo.Size, 3));

        // This run stops before the late object is even fetched: its first report is the stop's cue.
        source.OpenDelay = TimeSpan.FromHours(1);
        var (stopped, again) = await Follow(source, saved, _ => true);
        Assert.Empty(stopped);
        Assert.Equal(saved.Partial, again.Partial);

        // The next run goes on with it (nothing of it is left) and knows it done.
        source.OpenDelay = TimeSpan.Zero;
        var (written, last) = await Follow(source, again, p => p.ToState(DateTime.MinValue).Known.Any(k => k.Key == Late));
        Assert.Empty(written);
        Assert.Null(last.Partial);
    }
}
