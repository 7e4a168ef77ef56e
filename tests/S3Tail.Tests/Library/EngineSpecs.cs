using S3Tail.Windowing;
using System.Text;
using S3Tail.Bookmarks;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Library;

/// <summary>The engine through its library API, with an in-memory source.</summary>
public sealed class EngineSpecs
{
    private static MemorySource Source(int objects, int lines) =>
        new(Enumerable.Range(0, objects).Select(i =>
            ($"k{i:D3}", Text(string.Concat(Enumerable.Range(1, lines).Select(l => $"{i}.{l}\n"))))));

    [Fact]
    public async Task Should_hand_each_line_without_its_newline_in_key_order()
    {
        var seen = new List<string>();
        var result = await S3TailEngine.RunAsync(new TailRequest { Source = Source(3, 2), Prefetch = 2 },
            (string key, long n, ReadOnlySpan<byte> line) => { seen.Add($"{key}:{n}={Encoding.UTF8.GetString(line)}"); return true; });
        Assert.Equal(["k000:1=0.1", "k000:2=0.2", "k001:1=1.1", "k001:2=1.2", "k002:1=2.1", "k002:2=2.2"], seen);
        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(new Bookmark("k002", 2), result.Bookmark);
    }

    [Fact]
    public async Task Should_end_a_run_whose_first_page_lists_nothing_without_waiting_for_an_actor_system()
    {
        using var source = Source(3, 2);
        var never = new TaskCompletionSource<Akka.Actor.ActorSystem>().Task;
        var request = new TailRequest { Source = source, Prefix = "nothing-here/", Bookmark = new Bookmark("k001", 2) };
        request = request with { FirstPage = S3TailEngine.StartListing(source, request.Prefix, request.Bookmark) };

        var result = await S3TailEngine.RunAsync(never, request, new HandlerLineSink((_, _, _) => true)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(StopReason.Completed, result.Reason);
        Assert.Equal(new Bookmark("k001", 2), result.Bookmark);
        Assert.Equal(0, result.Statistics.ObjectsWritten);
        Assert.Equal(64, result.Statistics.PrefetchWindow);   // where auto starts, as a run that lists nothing reports it
    }

    [Fact]
    public async Task Should_wait_for_the_actor_system_when_the_first_page_lists_something_past_the_bookmark()
    {
        using var source = Source(3, 1);
        var system = S3TailEngine.CreateActorSystem();
        var request = new TailRequest { Source = source, Bookmark = new Bookmark("k001", 1) };
        request = request with { FirstPage = S3TailEngine.StartListing(source, "", request.Bookmark) };
        var keys = new List<string>();

        var result = await S3TailEngine.RunAsync(Task.FromResult(system), request,
            new HandlerLineSink((key, _, _) => { keys.Add(key); return true; }));
        await system.Terminate();

        Assert.Equal(["k002"], keys);
        Assert.Equal(new Bookmark("k002", 1), result.Bookmark);
    }

    [Fact]
    public async Task Should_skip_the_keys_the_filter_refuses_without_fetching_them()
    {
        var source = Source(6, 1);
        var keys = new List<string>();
        await S3TailEngine.RunAsync(new TailRequest { Source = source, KeyFilter = k => k != "k002" && k != "k004" },
            (string key, long n, ReadOnlySpan<byte> line) => { keys.Add(key); return true; });
        Assert.Equal(["k000", "k001", "k003", "k005"], keys);
        Assert.False(source.Opens.ContainsKey("k002"));
    }

    [Fact]
    public async Task Should_read_only_the_time_window_and_count_what_it_left_out()
    {
        using var source = new MemorySource(
            new[] { "logs/web-2016-09-11-13-00-00-A", "logs/web-2016-09-11-14-00-00-A", "logs/web-2016-09-11-15-00-00-A", "readme" }
                .Select(k => (k, Encoding.UTF8.GetBytes(k + "\n"))));
        var keys = new List<string>();
        var result = await S3TailEngine.RunAsync(
            new TailRequest { Source = source, Window = TimeWindow.Parse("2016-09-11T14:00", "2016-09-11T15:00", DateTimeOffset.UtcNow) },
            (string key, long n, ReadOnlySpan<byte> line) => { keys.Add(key); return true; });

        Assert.Equal(["logs/web-2016-09-11-14-00-00-A"], keys);
        Assert.Equal(2, result.Statistics.OutsideWindow);
        Assert.Equal(1, result.Statistics.WithoutTime);
        Assert.Equal("readme", result.Statistics.ExampleWithoutTime);
        Assert.Single(source.Opens);
    }

    [Fact]
    public async Task Should_end_a_run_a_bug_crashes_with_a_failed_result_that_names_where_to_resume()
    {
        // A host's key filter that throws crashes the listing: the run ends with a result (never
        // an exception), naming the bookmark it started from since nothing was written.
        var result = await S3TailEngine.RunAsync(
            new TailRequest { Source = Source(3, 2), Bookmark = new Bookmark("k000", 1), KeyFilter = _ => throw new InvalidOperationException("filter bug") },
            (string key, long n, ReadOnlySpan<byte> line) => true);

        Assert.Equal(StopReason.Failed, result.Reason);
        Assert.Equal("filter bug", Assert.IsType<InvalidOperationException>(result.Error).Message);
        Assert.Equal(new Bookmark("k000", 1), result.Bookmark);
    }

    [Fact]
    public async Task Should_refuse_a_host_programs_own_filter_with_workers_since_it_cannot_travel_and_fetch_nothing()
    {
        var source = Source(2, 2);
        var workers = S3Tail.Workers.WorkerSet.For(["127.0.0.1:4053"], S3Tail.Workers.ClusterIdentity.Certificate("s"), "b", new S3Tail.Storage.S3Settings());

        var e = await Assert.ThrowsAsync<S3TailException>(() => S3TailEngine.RunAsync(
            new TailRequest { Source = source, Filter = new EvenLines(), Workers = workers },
            (string key, long n, ReadOnlySpan<byte> line) => true));

        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains("cannot travel to workers", e.Message);
        Assert.Empty(source.Opens);
    }

    /// <summary>A host program's own filter: only <see cref="S3Tail.Filtering.LineFilter.Keep"/>, line by line.</summary>
    private sealed class EvenLines : S3Tail.Filtering.LineFilter
    {
        public override bool Keep(ReadOnlySpan<byte> line) => line.Length > 0 && (line[^1] - '0') % 2 == 0;
    }

    [Fact]
    public async Task Should_hand_only_kept_lines_with_their_own_numbers_to_the_handler_and_end_at_max_lines()
    {
        var seen = new List<string>();
        var result = await S3TailEngine.RunAsync(new TailRequest { Source = Source(3, 4), Filter = new EvenLines(), MaxLines = 3 },
            (string key, long n, ReadOnlySpan<byte> line) => { seen.Add($"{key}:{n}={Encoding.UTF8.GetString(line)}"); return true; });

        Assert.Equal(["k000:2=0.2", "k000:4=0.4", "k001:2=1.2"], seen);
        Assert.Equal(StopReason.LimitReached, result.Reason);
        Assert.Equal(new Bookmark("k001", 2), result.Bookmark);
        Assert.Equal(3, result.Statistics.LinesWritten);
        Assert.Equal(6, result.Statistics.LinesExamined);
    }

    [Fact]
    public async Task Should_write_nothing_and_move_no_bookmark_with_max_lines_zero()
    {
        var seen = new List<string>();
        var result = await S3TailEngine.RunAsync(new TailRequest { Source = Source(3, 4), Filter = new EvenLines(), MaxLines = 0 },
            (string key, long n, ReadOnlySpan<byte> line) => { seen.Add(key); return true; });

        Assert.Empty(seen);
        Assert.Equal(StopReason.LimitReached, result.Reason);
        Assert.Null(result.Bookmark);
    }

    [Fact]
    public async Task Should_stop_after_the_line_the_handler_refuses_and_return_it_as_the_bookmark()
    {
        var result = await S3TailEngine.RunAsync(new TailRequest { Source = Source(5, 10), Prefetch = 4 },
            (string key, long n, ReadOnlySpan<byte> line) => !(key == "k002" && n == 7));
        Assert.Equal(StopReason.HandlerStopped, result.Reason);
        Assert.Equal(new Bookmark("k002", 7), result.Bookmark);
        Assert.Equal(27, result.Statistics.LinesWritten);
    }

    [Fact]
    public async Task Should_resume_with_the_line_after_the_bookmark()
    {
        var seen = new List<string>();
        var result = await S3TailEngine.RunAsync(
            new TailRequest { Source = Source(3, 3), Bookmark = new Bookmark("k001", 2) },
            (string key, long n, ReadOnlySpan<byte> line) => { seen.Add($"{key}:{n}"); return true; });
        Assert.Equal(["k001:3", "k002:1", "k002:2", "k002:3"], seen);
        Assert.Equal(new Bookmark("k002", 3), result.Bookmark);
    }

    [Fact]
    public async Task Should_return_the_given_bookmark_when_nothing_follows_it()
    {
        var result = await S3TailEngine.RunAsync(
            new TailRequest { Source = Source(2, 3), Bookmark = new Bookmark("k001", 3) },
            (string key, long n, ReadOnlySpan<byte> line) => true);
        Assert.Equal(new Bookmark("k001", 3), result.Bookmark);
        Assert.Equal(0, result.Statistics.LinesWritten);
    }

    [Fact]
    public async Task Should_stop_when_the_token_is_cancelled()
    {
        using var cts = new CancellationTokenSource();
        long lines = 0;
        var source = Source(50, 100);
        source.OpenDelay = TimeSpan.FromMilliseconds(30);
        var result = await S3TailEngine.RunAsync(new TailRequest { Source = source, Prefetch = 2 },
            (string key, long n, ReadOnlySpan<byte> line) =>
            {
                if (++lines == 250) cts.Cancel();
                return true;
            }, cts.Token);
        Assert.Equal(StopReason.Cancelled, result.Reason);
        Assert.True(result.Statistics.LinesWritten < 5000);
        Assert.Equal(result.Statistics.LinesWritten, lines);
    }
}
