using Akka.Actor;
using Akka.Routing;
using Akka.TestKit.Xunit2;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Pipeline;

public sealed class DownloaderActorSpecs : TestKit, IDisposable
{
    private readonly SpoolFolder _spool = new();

    void IDisposable.Dispose() => _spool.Dispose();

    private static PipelineSettings Settings(IObjectSource source, ObjectFetcher fetcher) =>
        new(new TailRequest { Source = source }, fetcher, new CancellationTokenSource());

    [Fact]
    public void Should_report_one_failed_download_without_disturbing_the_others()
    {
        var objects = Enumerable.Range(0, 12).Select(i => (Key: $"k{i:D2}", Content: Text($"object {i}\n"))).ToList();
        var source = new MemorySource(objects) { OpenDelay = TimeSpan.FromMilliseconds(50) };
        source.Failures["k05"] = S3TailException.Runtime("Access denied to k05.");
        var fetcher = new ObjectFetcher(source, null, _spool, RetryPolicy.Default, NullLog.Instance);
        var sequencer = CreateTestProbe();
        var pool = Sys.ActorOf(DownloaderActor.Props(Settings(source, fetcher), sequencer)
            .WithRouter(new RoundRobinPool(4)));

        for (int i = 0; i < objects.Count; i++)
            pool.Tell(new FetchObject(i, new ObjectInfo(objects[i].Key, "e", objects[i].Content.Length)));

        var outcomes = Enumerable.Range(0, objects.Count).Select(_ => sequencer.ExpectMsg<object>(TimeSpan.FromSeconds(10))).ToList();
        var failed = Assert.Single(outcomes.OfType<FetchFailed>());
        Assert.Equal(5, failed.Seq);
        Assert.Contains("Access denied", failed.Reason.Message);
        Assert.Equal(11, outcomes.OfType<ObjectFetched>().Select(o => o.Seq).Distinct().Count());
        // No download ran twice: nothing was restarted or retried because of the failure.
        Assert.All(objects, o => Assert.Equal(1, source.Opens[o.Key]));

        foreach (var fetched in outcomes.OfType<ObjectFetched>())
        {
            using var s = fetched.Content.OpenDecoded();
            Assert.Equal($"object {fetched.Seq}\n", new StreamReader(s).ReadToEnd());
        }
    }

    [Fact]
    public void Should_fetch_in_parallel_up_to_the_pool_size()
    {
        var objects = Enumerable.Range(0, 8).Select(i => (Key: $"k{i}", Content: Text("x\n"))).ToList();
        var source = new MemorySource(objects) { OpenDelay = TimeSpan.FromMilliseconds(400) };
        var fetcher = new ObjectFetcher(source, null, _spool, RetryPolicy.Default, NullLog.Instance);
        var sequencer = CreateTestProbe();
        var pool = Sys.ActorOf(DownloaderActor.Props(Settings(source, fetcher), sequencer).WithRouter(new RoundRobinPool(8)));

        for (int i = 0; i < objects.Count; i++) pool.Tell(new FetchObject(i, new ObjectInfo(objects[i].Key, "e", 2)));
        for (int i = 0; i < objects.Count; i++) sequencer.ExpectMsg<ObjectFetched>(TimeSpan.FromSeconds(10));

        // Each open waits 400 ms; handing out eight fetches takes microseconds, so all eight
        // downloaders are inside their open at once.
        Assert.Equal(8, source.MaxConcurrentOpens);
    }

    /// <summary>
    /// A downloader that crashes mid-fetch is restarted by its pool; the fetch it had started
    /// still ends, and its outcome must reach the sequencer (it went to the fresh instance, which
    /// dropped it, and the run waited forever). Later objects, stashed behind it, are fetched too.
    /// </summary>
    [Fact]
    public void Should_still_report_the_fetch_of_a_downloader_that_crashed_mid_fetch()
    {
        var objects = Enumerable.Range(0, 3).Select(i => (Key: $"k{i}", Content: Text($"object {i}\n"))).ToList();
        var source = new MemorySource(objects) { OpenDelay = TimeSpan.FromMilliseconds(500) };
        var fetcher = new ObjectFetcher(source, null, _spool, RetryPolicy.Default, NullLog.Instance);
        var sequencer = CreateTestProbe();
        var pool = Sys.ActorOf(DownloaderActor.PoolProps(Settings(source, fetcher), sequencer, size: 1));

        for (int i = 0; i < objects.Count; i++) pool.Tell(new FetchObject(i, new ObjectInfo(objects[i].Key, "e", objects[i].Content.Length)));
        AwaitCondition(() => source.Opens.ContainsKey("k0"), TimeSpan.FromSeconds(5));
        pool.Tell(new Broadcast(Kill.Instance));   // the one downloader crashes while k0 is being opened

        var seqs = Enumerable.Range(0, objects.Count).Select(_ => sequencer.ExpectMsg<ObjectFetched>(TimeSpan.FromSeconds(10)).Seq).Order().ToList();
        Assert.Equal([0L, 1L, 2L], seqs);
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }
}
