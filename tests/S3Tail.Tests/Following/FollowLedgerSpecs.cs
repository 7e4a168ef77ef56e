using S3Tail.Following;
using S3Tail.Storage;

namespace S3Tail.Tests.Following;

public sealed class FollowLedgerSpecs
{
    private static readonly DateTime T = new(2016, 9, 11, 14, 0, 0, DateTimeKind.Utc);

    private static ObjectInfo At(int minute, string etag = "e") =>
        new($"logs/web-2016-09-11-14-{minute:D2}-00-A", etag, 10);

    [Fact]
    public void Should_know_an_object_once_handed_out_and_remember_it_when_it_ends()
    {
        var ledger = new FollowLedger();
        Assert.False(ledger.IsDone(At(1)));
        ledger.Handed(At(1));
        ledger.Handed(At(2));
        Assert.True(ledger.IsDone(At(1)));
        Assert.False(ledger.IsDone(At(1, "changed")));   // rewritten since: a new object

        ledger.Ended(done: true);

        Assert.Equal([new KnownObject(At(1).Key, "e", T.AddMinutes(1).AddSeconds(1))], ledger.Snapshot(T).Known);
        Assert.True(ledger.IsDone(At(2)));
    }

    [Fact]
    public void Should_keep_the_late_object_it_is_in_the_middle_of_until_that_object_ends()
    {
        var ledger = new FollowLedger();
        ledger.Handed(At(5));
        ledger.LateLineWritten(At(5).Key, 3);
        Assert.Equal(new PartialObject(At(5).Key, "e", 10, 3), ledger.Snapshot(T).Partial);

        ledger.Ended(done: true);

        Assert.Null(ledger.Snapshot(T).Partial);
    }

    [Fact]
    public void Should_forget_what_the_window_no_longer_reaches_and_never_remember_keys_without_a_time()
    {
        var ledger = new FollowLedger();
        ledger.Handed(At(1));
        ledger.Handed(At(30));
        ledger.Handed(new ObjectInfo("logs/readme", "e", 1));
        ledger.Ended(done: true);
        ledger.Ended(done: true);
        ledger.Ended(done: true);

        Assert.Equal([At(30).Key], ledger.Snapshot(T.AddMinutes(10)).Known.Select(k => k.Key));
        ledger.Forget(T.AddMinutes(10));
        Assert.Equal(1, ledger.KnownCount);
        Assert.False(ledger.IsDone(At(1)));
    }

    [Fact]
    public void Should_not_remember_an_object_that_ended_with_lines_unwritten()
    {
        var ledger = new FollowLedger();
        ledger.Handed(At(1));
        ledger.LateLineWritten(At(1).Key, 2);

        ledger.Ended(done: false);

        Assert.False(ledger.IsDone(At(1)));
        Assert.Empty(ledger.Snapshot(T).Known);
        Assert.Equal(2, ledger.Snapshot(T).Partial!.Line);
    }

    [Fact]
    public void Should_resume_from_a_snapshot_with_its_partial_object_handed_back_once()
    {
        var ledger = new FollowLedger();
        ledger.Handed(At(1));
        ledger.Ended(done: true);
        ledger.Handed(At(2));
        ledger.LateLineWritten(At(2).Key, 7);

        var resumed = new FollowLedger(ledger.Snapshot(T));

        Assert.True(resumed.Resumed);
        Assert.False(new FollowLedger().Resumed);
        Assert.True(resumed.IsDone(At(1)));
        Assert.Equal(new PartialObject(At(2).Key, "e", 10, 7), resumed.TakeResume());
        Assert.Null(resumed.TakeResume());
    }

    [Fact]
    public void Should_still_save_the_late_object_it_resumed_when_the_run_stops_before_writing_a_line_of_it()
    {
        var saved = new FollowState([], new PartialObject(At(2).Key, "e", 10, 7));
        var resumed = new FollowLedger(saved);
        var partial = resumed.TakeResume()!;
        resumed.Handed(new ObjectInfo(partial.Key, partial.ETag, partial.Size));

        // Stopped before it was fetched: nothing of it ended, no line of it written.
        Assert.Equal(saved.Partial, resumed.Snapshot(T).Partial);
        // Stopped with lines of it still unwritten: still where the saved run left it.
        resumed.Ended(done: false);
        Assert.Equal(saved.Partial, resumed.Snapshot(T).Partial);
        Assert.Empty(resumed.Snapshot(T).Known);
    }

    [Fact]
    public void Should_know_the_late_object_it_resumed_once_it_ends_and_forget_it_as_partial()
    {
        var resumed = new FollowLedger(new FollowState([], new PartialObject(At(2).Key, "e", 10, 7)));
        var partial = resumed.TakeResume()!;
        resumed.Handed(new ObjectInfo(partial.Key, partial.ETag, partial.Size));
        resumed.LateLineWritten(At(2).Key, 9);
        Assert.Equal(9, resumed.Snapshot(T).Partial!.Line);

        resumed.Ended(done: true);

        Assert.Null(resumed.Snapshot(T).Partial);
        Assert.Equal([At(2).Key], resumed.Snapshot(T).Known.Select(k => k.Key));
    }
}
