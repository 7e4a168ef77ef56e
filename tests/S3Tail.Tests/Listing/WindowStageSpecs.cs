using S3Tail.Listing;
using S3Tail.Windowing;
using static S3Tail.Tests.Listing.RecordedLists;

namespace S3Tail.Tests.Listing;

public sealed class WindowStageSpecs
{
    private static readonly DateTime Sep1 = new(2016, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>One access log an hour for five days (Sept 1–5), and a readme without a time (sorting after them).</summary>
    private static List<string> FiveDays() =>
        Enumerable.Range(0, 5 * 24).Select(h => $"logs/web-{Sep1.AddHours(h):yyyy-MM-dd-HH}-00-00-A").Append("logs/zz-readme").ToList();

    [Fact]
    public async Task Should_seek_to_the_window_and_past_it_and_count_what_it_left_out()
    {
        using var lists = new RecordedLists(FiveDays(), pageSize: 10);
        var stage = new WindowStage(new TimeWindow(Sep1.AddDays(2), Sep1.AddDays(2).AddHours(2)));

        var pages = await All(Paging.PagesAsync(lists.List, null, cut: stage.Cut));

        Assert.Equal(["logs/web-2016-09-03-00-00-00-A", "logs/web-2016-09-03-01-00-00-A"], KeysOf(pages));
        // Sept 1 00–09 are before the window: seek to Sept 3 (its text less the last character);
        // Sept 3 02:00 is after it: seek past the source's keys of that year, to the readme (named after them).
        Assert.Equal(3, lists.Starts.Count);
        Assert.Equal([null, "logs/web-2016-09-03-00-00-0"], lists.Starts.Take(2));
        Assert.True(string.CompareOrdinal(lists.Starts[2], "logs/web-2016-09-03-09-00-00-A") > 0, lists.Starts[2]);
        Assert.Equal([10L, 8L, 1L], pages.Select(p => p.LeftOut));
        Assert.Equal(new WindowCounts(18, 1, "logs/zz-readme"), pages[^1].Window);
        Assert.False(pages[^1].More);
    }

    [Fact]
    public async Task Should_keep_every_key_with_a_time_in_an_open_window()
    {
        using var lists = new RecordedLists(FiveDays(), pageSize: 50);
        var stage = new WindowStage(new TimeWindow(null, null));

        var pages = await All(Paging.PagesAsync(lists.List, null, cut: stage.Cut));

        Assert.Equal(120, KeysOf(pages).Count());
        Assert.Equal(new WindowCounts(0, 1, "logs/zz-readme"), pages[^1].Window);
    }
}
