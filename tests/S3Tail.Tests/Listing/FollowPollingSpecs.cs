using S3Tail.Listing;
using S3Tail.Windowing;
using static S3Tail.Tests.Listing.RecordedLists;

namespace S3Tail.Tests.Listing;

public sealed class FollowPollingSpecs
{
    private static readonly DateTime Now = new(2016, 9, 11, 15, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    private static readonly PageSource Unused = new((_, _) => throw new InvalidOperationException("no LIST expected"));

    private static string At(int hour, int minute, string source = "web") => $"logs/{source}-2016-09-11-{hour:D2}-{minute:D2}-00-A";

    [Fact]
    public void Should_look_back_over_the_look_back_within_the_runs_window()
    {
        var open = new FollowPolling(Unused, Hour, null);
        Assert.Equal(new TimeWindow(Now - Hour, null), open.LookBackWindow(Now, anythingToFind: true));
        Assert.Null(open.LookBackWindow(Now, anythingToFind: false));

        var since = new FollowPolling(Unused, Hour, new TimeWindow(Now.AddMinutes(-10), null));
        Assert.Equal(new TimeWindow(Now.AddMinutes(-10), null), since.LookBackWindow(Now, true));

        var until = new FollowPolling(Unused, Hour, new TimeWindow(null, Now.AddMinutes(-30)));
        Assert.Equal(new TimeWindow(Now - Hour, Now.AddMinutes(-30)), until.LookBackWindow(Now, true));
        Assert.Null(until.LookBackWindow(Now.AddMinutes(31), true));   // the run's window ended before the look-back starts
    }

    [Fact]
    public async Task Should_yield_what_arrived_late_before_the_newest_key_then_list_on_after_where_it_ran_dry()
    {
        using var lists = new RecordedLists([At(13, 50), At(14, 10), At(14, 30), At(14, 40, "api"), At(14, 50)], pageSize: 2);
        var polling = new FollowPolling(lists.List, Hour, null);
        lists.Put(At(14, 55));   // a new one, after where the listing ran dry

        var pages = await All(polling.PollAsync(polling.LookBackWindow(Now, true), before: At(14, 30), Paging.PagesAsync(lists.List, At(14, 50))));

        // Late: in the look-back window (14:00 on) and before the newest key handed out, the api log included.
        Assert.True(pages[0].Late);
        Assert.Equal([At(14, 40, "api"), At(14, 10)], pages[0].Keys.Select(k => k.Key));
        Assert.Equal([At(14, 55)], KeysOf(pages.Skip(1)));
        Assert.All(pages.Skip(1), p => Assert.False(p.Late));
        Assert.False(pages[^1].More);
    }

    [Fact]
    public async Task Should_list_nothing_to_look_back_when_there_is_no_window()
    {
        using var lists = new RecordedLists([At(14, 10)], pageSize: 2);
        var polling = new FollowPolling(lists.List, Hour, null);

        var pages = await All(polling.PollAsync(null, At(14, 30), Paging.PagesAsync(lists.List, At(14, 10))));

        Assert.Empty(pages[0].Keys);
        Assert.Equal([At(14, 10)], lists.Starts);   // the one LIST is the key order's
    }
}
