using S3Tail.Following;
using S3Tail.Listing;
using S3Tail.Storage;

namespace S3Tail.Tests.Listing;

public sealed class FollowListingSpecs
{
    private static readonly FollowOptions Options = new(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    private static ObjectInfo At(int minute, string etag = "e") => new($"logs/web-2016-09-11-14-{minute:D2}-00-A", etag, 10);

    [Fact]
    public void Should_hand_out_a_key_once_and_track_the_newest_in_key_order_only()
    {
        var follow = new FollowListing(Options, startKey: null);

        Assert.True(follow.TakeNew(At(10)));
        Assert.False(follow.TakeNew(At(10)));          // handed out already
        Assert.Equal(At(10).Key, follow.Newest);
        Assert.Equal([At(5)], follow.TakeLate([At(5), At(10)], bookmarkKey: null));
        Assert.Equal(At(10).Key, follow.Newest);       // a late object does not move it
        Assert.True(follow.AnythingToFind);
    }

    [Fact]
    public void Should_pass_over_what_a_new_follow_finds_before_its_bookmark_at_its_first_look_back_only()
    {
        var follow = new FollowListing(Options, startKey: At(20).Key);

        Assert.Equal([At(25)], follow.TakeLate([At(5), At(25)], bookmarkKey: At(20).Key));
        Assert.Equal([At(6)], follow.TakeLate([At(5), At(6)], bookmarkKey: At(20).Key));   // At(5) is done with
        Assert.Equal(At(20).Key, follow.Newest);
    }

    [Fact]
    public void Should_write_late_what_a_resumed_follow_does_not_know_even_before_its_bookmark()
    {
        var saved = new FollowState([new KnownObject(At(5).Key, "e", null)], new PartialObject(At(7).Key, "e", 10, 3));
        var follow = new FollowListing(Options with { Saved = saved }, startKey: At(20).Key);

        Assert.Equal(new PartialObject(At(7).Key, "e", 10, 3), follow.Resume());
        Assert.Null(follow.Resume());
        Assert.Equal([At(6)], follow.TakeLate([At(5), At(6), At(7)], bookmarkKey: At(20).Key));   // 7 is being resumed
    }

    [Fact]
    public void Should_report_the_ledger_only_when_it_changed_and_count_each_poll()
    {
        var follow = new FollowListing(Options, startKey: null);
        Assert.NotNull(follow.Changes());
        Assert.Null(follow.Changes());
        Assert.Null(follow.PollEnded());   // before the first poll: nothing to report

        follow.PollStarts(new DateTime(2016, 9, 11, 15, 0, 0, DateTimeKind.Utc));
        follow.TakeNew(At(30));
        follow.TakeLate([At(1)], null);
        follow.Ledger.Ended(done: true);
        follow.Ledger.Ended(done: true);

        var progress = follow.Changes();
        Assert.Equal(2, progress!.KnownCount);
        Assert.Equal("poll: 1 new, 1 late object(s); 2 known in the look-back window", follow.PollEnded());
        Assert.Equal("poll: 0 new, 0 late object(s); 2 known in the look-back window", follow.PollEnded());
    }

    [Fact]
    public void Should_find_nothing_to_look_back_for_under_keys_without_times()
    {
        var follow = new FollowListing(Options, startKey: null);
        follow.TakeNew(new ObjectInfo("logs/readme", "e", 1));

        Assert.False(follow.AnythingToFind);
    }
}
