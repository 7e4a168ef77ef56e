using System.Globalization;
using S3Tail.Bookmarks;
using S3Tail.Listing;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Windowing;
using static S3Tail.Tests.Listing.RecordedLists;

namespace S3Tail.Tests.Listing;

public sealed class SplitPagingSpecs
{
    private static readonly DateTime Day = new(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ListingSplit Split = new(null, new FixedClock(Day.AddDays(1)), Ahead: 3, BufferPages: 2);

    /// <summary>
    /// 3,000 access-log keys at random times of one day under <c>logs/web-</c>, and keys that are
    /// not of that layout mixed in: keys with no time that sort among them, prefixes of their
    /// times (the boundaries' own openings at every hour and minute, which a range's LIST starts
    /// after), another stem before and after, a later day, characters above U+FFFF.
    /// </summary>
    private static List<string> MixedKeys()
    {
        var random = new Random(7);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (keys.Count < 3000)
            keys.Add($"logs/web-{Day.AddSeconds(random.Next(86_400)):yyyy-MM-dd-HH-mm-ss}-{random.Next(0x10000):X4}");
        for (int hour = 0; hour < 24; hour++)
        {
            string h = $"logs/web-2024-01-02-{hour:D2}";
            keys.UnionWith([h, $"{h}-", $"{h}-0", $"{h}-00-0", $"{h}-00-0!", $"{h}-00-00", $"{h}-00-00-", $"{h}-30-00-X/nested", $"{h}T", $"{h}-\U0001F600"]);
            for (int minute = 0; minute < 60; minute += 7) keys.UnionWith([$"{h}-{minute:D2}", $"{h}-{minute:D2}-0", $"{h}-{minute:D2}-1!"]);
        }
        keys.UnionWith(["aaa", "logs/", "logs/web-", "logs/web-2024", "logs/web-2024-01-02", "logs/web-README", "logs/web-2024-01-03-00-00-05-LATE",
            "logs/web-2025-06-01-00-00-00-FUTURE", "logs/web-\U0001F600", "logs/zzz-2024-01-02-10-00-00-OTHER", "zzz"]);
        return keys.ToList();
    }

    private static List<string> Reference(IEnumerable<string> keys) => keys.Order(ByteOrder.Instance).ToList();

    [Fact]
    public async Task Should_list_every_key_once_in_key_order_from_the_start()
    {
        var keys = MixedKeys();
        using var lists = new RecordedLists(keys, pageSize: 100);

        var pages = await All(SplitPaging.PagesAsync(lists.List, null, null, null, Split));

        Assert.Equal(Reference(keys), KeysOf(pages));
        Assert.False(pages[^1].More);
        Assert.All(pages.SkipLast(1), p => Assert.True(p.More));
        Assert.Equal("zzz", pages[^1].After);   // a follow lists on after the last key
    }

    [Fact]
    public async Task Should_list_from_a_bookmark_exactly_what_follows_it()
    {
        var keys = MixedKeys();
        var bookmark = new Bookmark(Reference(keys)[700], 3);
        using var lists = new RecordedLists(keys, pageSize: 100);

        var pages = await All(BookmarkSkip.SkipAsync(
            SplitPaging.PagesAsync(lists.List, BookmarkSkip.StartAfter(bookmark.Key), null, null, Split), bookmark));

        Assert.Equal(Reference(keys).Skip(700), KeysOf(pages));
    }

    [Theory]
    [InlineData("2024-01-02T05:30:00Z", "2024-01-02T17:15:00Z")]
    [InlineData("2024-01-02T05:30:00Z", null)]
    [InlineData(null, "2024-01-02T09:00:00Z")]
    public async Task Should_list_inside_a_window_the_keys_whose_time_is_in_it_as_paging_does(string? since, string? until)
    {
        var window = new TimeWindow(Time(since), Time(until));
        var keys = MixedKeys();
        using var lists = new RecordedLists(keys, pageSize: 100);
        var stage = new WindowStage(window);

        var overlap = new OverlapCounter(lists.List, TimeSpan.FromMilliseconds(2));

        var pages = await All(SplitPaging.PagesAsync(overlap.List, null, null, stage.Cut, Split with { Window = window }));

        var inWindow = keys.Where(k => KeyTime.PeriodOf(k) is { } p && window.Overlaps(p.Begin, p.End));
        Assert.Equal(Reference(inWindow), KeysOf(pages));
        var paged = await All(Paging.PagesAsync(lists.List, null, null, new WindowStage(window).Cut));
        Assert.Equal(KeysOf(paged), KeysOf(pages));
        // Keys without a time are counted alike; the ranges may list (and count as outside) keys past
        // the window's end that paging seeks over.
        Assert.Equal(paged[^1].Window!.WithoutTime, pages[^1].Window!.WithoutTime);
        Assert.Equal(paged[^1].Window!.ExampleWithoutTime, pages[^1].Window!.ExampleWithoutTime);
        Assert.Equal(pages.Sum(p => p.LeftOut), pages[^1].Window!.LeftOut);
        Assert.True(overlap.Most >= 2, "the window's keys were listed page after page");
    }

    [Fact]
    public async Task Should_overlap_the_LISTs_of_its_ranges_in_time()
    {
        var keys = MixedKeys();
        using var lists = new RecordedLists(keys, pageSize: 100);
        var slow = new OverlapCounter(lists.List, TimeSpan.FromMilliseconds(20));

        var pages = await All(SplitPaging.PagesAsync(slow.List, null, null, null, Split));

        Assert.Equal(Reference(keys), KeysOf(pages));
        Assert.True(slow.Most >= 3, $"at most {slow.Most} LIST(s) at a time");
    }

    [Theory]
    [InlineData("cloudfront")]
    [InlineData("alb")]
    public async Task Should_split_other_layouts_by_their_own_times_and_keep_every_key(string layout)
    {
        // Five days of keys, one every 4 minutes; the clock stands at the end of the fifth.
        var keys = Enumerable.Range(0, 5 * 360).Select(i => Day.AddMinutes(i * 4)).Select(t => layout == "alb"
                ? $"AWSLogs/1/elasticloadbalancing/us-east-1/{t:yyyy'/'MM'/'dd}/1_elasticloadbalancing_us-east-1_app.x_{t:yyyyMMdd'T'HHmm}Z_10.0.0.1_{t.Ticks % 977}.log.gz"
                : $"cf/E2X.{t:yyyy-MM-dd-HH}.{t.Ticks % 977:x4}{t.Minute:D2}.gz")
            .Concat(["AWSLogs/1/elasticloadbalancing/us-east-1/2024/01/03", "AWSLogs/1/elasticloadbalancing/us-east-1/2024/01/03/readme",
                "AWSLogs/1/elasticloadbalancing/us-east-1/2024/01/0", "cf/E2X.2024-01-03-1", "cf/E2X.2024-01-03-1!", "cf/E2X.2024-01-04-09", "cf/E2X.notes"])
            .ToList();
        using var lists = new RecordedLists(keys, pageSize: 50);
        var overlap = new OverlapCounter(lists.List, TimeSpan.FromMilliseconds(2));

        var pages = await All(SplitPaging.PagesAsync(overlap.List, null, null, null, Split with { Clock = new FixedClock(Day.AddDays(5)) }));

        Assert.Equal(Reference(keys), KeysOf(pages));
        Assert.True(overlap.Most >= 2, "listed page after page");
    }

    [Fact]
    public async Task Should_page_as_ever_when_the_keys_carry_no_time()
    {
        var keys = Enumerable.Range(0, 1000).Select(i => $"data/part-{i:D5}.json").ToList();
        using var split = new RecordedLists(keys, pageSize: 100);
        using var paged = new RecordedLists(keys, pageSize: 100);

        var pages = await All(SplitPaging.PagesAsync(split.List, null, null, null, Split));
        await All(Paging.PagesAsync(paged.List, null));

        Assert.Equal(keys, KeysOf(pages));
        Assert.Equal(paged.Starts, split.Starts);
    }

    [Fact]
    public async Task Should_pass_a_failed_LIST_on_after_every_key_before_it()
    {
        var keys = MixedKeys();
        using var lists = new RecordedLists(keys, pageSize: 100);
        const string noon = "logs/web-2024-01-02-12";
        // Every LIST that starts past noon fails: ranges after it fail first, concurrently.
        var failing = new PageSource((after, ct) => after is not null && ByteOrder.Instance.Compare(after, noon) > 0
            ? Task.FromException<ListPage>(new IOException("connection reset"))
            : lists.List.ListAsync(after, ct));
        var seen = new List<string>();

        await Assert.ThrowsAsync<IOException>(async () =>
        {
            await foreach (var page in SplitPaging.PagesAsync(failing, null, null, null, Split)) seen.AddRange(page.Keys.Select(k => k.Key));
        });

        var reference = Reference(keys);
        Assert.Equal(reference.Take(seen.Count), seen);
        Assert.True(seen.Count >= reference.Count(k => ByteOrder.Instance.Compare(k, noon) <= 0), $"{seen.Count} key(s) before the failure");
    }

    private static DateTime? Time(string? text) =>
        text is null ? null : DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);

    /// <summary>A LIST that takes a while and counts how many were under way at once.</summary>
    private sealed class OverlapCounter(PageSource inner, TimeSpan delay)
    {
        private int _inFlight, _most;

        public int Most => Volatile.Read(ref _most);

        public PageSource List => new(async (after, ct) =>
        {
            int now = Interlocked.Increment(ref _inFlight);
            for (int most = _most; now > most && Interlocked.CompareExchange(ref _most, now, most) != most; most = _most) { }
            try
            {
                await Task.Delay(delay, ct);
                return await inner.ListAsync(after, ct);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
        });
    }

    private sealed class FixedClock(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(now, TimeSpan.Zero);
    }
}
