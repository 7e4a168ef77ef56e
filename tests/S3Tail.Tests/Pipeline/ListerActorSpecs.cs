using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Cache;
using S3Tail.Following;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Windowing;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Pipeline;

public sealed class ListerActorSpecs : TestKit, IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly SpoolFolder _spool = new();

    void IDisposable.Dispose() => _spool.Dispose();

    /// <summary>A lister over objects the listing says are this big, handing keys to a probe pool.</summary>
    private (IActorRef Lister, Akka.TestKit.TestProbe Pool) Lister(int prefetch, params long[] listedSizes)
    {
        var objects = listedSizes.Select((_, i) => (Key: $"k{i:D3}", Content: Text("x\n"))).ToList();
        var source = new MemorySource(objects);
        for (int i = 0; i < listedSizes.Length; i++) source.ListedSizes[objects[i].Key] = listedSizes[i];
        var fetcher = new ObjectFetcher(source, null, _spool, RetryPolicy.Default, NullLog.Instance);
        var settings = new PipelineSettings(new TailRequest { Source = source, Prefetch = prefetch }, fetcher, new CancellationTokenSource())
        {
            ListingCredit = prefetch,
        };
        var pool = CreateTestProbe();
        var lister = Sys.ActorOf(ListerActor.Props(settings, pool, CreateTestProbe()));
        return (lister, pool);
    }

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void Should_take_a_fixed_window_at_its_word()
    {
        var (_, pool) = Lister(16, Enumerable.Repeat(100 * MiB, 20).ToArray());

        for (int i = 0; i < 16; i++) Assert.Equal(i, pool.ExpectMsg<FetchObject>().Seq);
        pool.ExpectNoMsg(Quiet);
    }

    /// <summary>A lister over these keys with a request made by <paramref name="with"/>, handing keys to a probe pool and telling a probe sequencer.</summary>
    private (IActorRef Lister, Akka.TestKit.TestProbe Pool, Akka.TestKit.TestProbe Sequencer) Lister(string[] keys, Func<TailRequest, TailRequest> with)
    {
        var source = new MemorySource(keys.Select(k => (k, Text("x\n"))));
        var fetcher = new ObjectFetcher(source, null, _spool, RetryPolicy.Default, NullLog.Instance);
        var request = with(new TailRequest { Source = source, Prefetch = 16, ListPageSize = 2 });
        var settings = new PipelineSettings(request, fetcher, new CancellationTokenSource()) { ListingCredit = 16 };
        var pool = CreateTestProbe();
        var sequencer = CreateTestProbe();
        return (Sys.ActorOf(ListerActor.Props(settings, pool, sequencer)), pool, sequencer);
    }

    [Fact]
    public void Should_report_the_time_windows_counts_when_asked_and_no_one_else_keeps_them()
    {
        string[] keys = ["logs/readme", "logs/web-2016-09-10-00-00-00-A", "logs/web-2016-09-11-00-00-00-A", "logs/web-2016-09-12-00-00-00-A"];
        var window = new TimeWindow(new DateTime(2016, 9, 11, 0, 0, 0, DateTimeKind.Utc), new DateTime(2016, 9, 12, 0, 0, 0, DateTimeKind.Utc));
        var (lister, pool, sequencer) = Lister(keys, r => r with { Window = window });

        Assert.Equal("logs/web-2016-09-11-00-00-00-A", pool.ExpectMsg<FetchObject>().Object.Key);
        Assert.Equal(1, sequencer.ExpectMsg<ListingCompleted>().ObjectCount);
        lister.Tell(ReportListing.Instance, TestActor);

        var report = ExpectMsg<ListingReport>();
        Assert.Equal(new WindowCounts(2, 1, "logs/readme"), report.Window);
        Assert.Null(report.Follow);
    }

    [Fact]
    public void Should_keep_the_follows_ledger_and_report_it_as_the_sequencer_tells_of_ends()
    {
        string[] keys = ["logs/web-2016-09-11-00-00-00-A", "logs/web-2016-09-11-00-01-00-A"];
        var reported = new List<FollowProgress>();
        var follow = new FollowOptions(TimeSpan.FromHours(1), TimeSpan.FromDays(3650)) { Changed = p => { lock (reported) reported.Add(p); } };
        var (lister, pool, _) = Lister(keys, r => r with { Follow = follow });

        Assert.Equal(keys, new[] { pool.ExpectMsg<FetchObject>().Object.Key, pool.ExpectMsg<FetchObject>().Object.Key });
        lister.Tell(new FollowObjectsEnded([true, false]));   // the second stopped with lines unwritten
        lister.Tell(ReportListing.Instance, TestActor);

        var report = ExpectMsg<ListingReport>();
        Assert.Equal([keys[0]], report.Follow!.ToState(DateTime.MinValue).Known.Select(k => k.Key));
        Assert.Null(report.Window);
        lock (reported) Assert.Equal(1, reported[^1].KnownCount);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Should_hand_out_every_key_in_key_order_whether_its_listing_is_split_or_not(bool split)
    {
        var day = new DateTime(2016, 9, 11, 0, 0, 0, DateTimeKind.Utc);
        var keys = Enumerable.Range(0, 400).Select(i => $"logs/web-{day.AddSeconds(i * 216):yyyy-MM-dd-HH-mm-ss}-A")
            .Concat(["logs/readme", "logs/web-2016-09-11-12", "logs/web-2016-09-11-12-00-0!", "zzz"]).ToList();
        var source = new MemorySource(keys.Select(k => (k, Text("x\n"))));
        var fetcher = new ObjectFetcher(source, null, _spool, RetryPolicy.Default, NullLog.Instance);
        var request = new TailRequest { Source = source, Prefetch = 16, ListPageSize = 20, SplitListing = split };
        var pool = CreateTestProbe();
        var sequencer = CreateTestProbe();
        Sys.ActorOf(ListerActor.Props(new PipelineSettings(request, fetcher, new CancellationTokenSource()) { ListingCredit = keys.Count }, pool, sequencer));

        var handed = Enumerable.Range(0, keys.Count).Select(_ => pool.ExpectMsg<FetchObject>().Object.Key).ToList();

        Assert.Equal(keys.Order(ByteOrder.Instance), handed);
        Assert.Equal(keys.Count, sequencer.ExpectMsg<ListingCompleted>().ObjectCount);
        // Page after page takes 21 LISTs of 20 keys; split, each range takes one more than its pages.
        if (split) Assert.True(source.Lists > 21, $"{source.Lists} LISTs");
        else Assert.Equal(21, source.Lists);
    }
}
