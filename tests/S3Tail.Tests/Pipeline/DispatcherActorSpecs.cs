using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Workers;
using S3Tail.Contents;

namespace S3Tail.Tests.Pipeline;

public sealed class DispatcherActorSpecs : TestKit, IDisposable
{
    private const long MiB = 1024 * 1024;
    private readonly S3Tail.Cache.SpoolFolder _spool = new();

    void IDisposable.Dispose() => _spool.Dispose();

    private static readonly SourceSpec Source = new("bucket", "us-east-1", null, null);

    private static FetchObject Fetch(long seq, long size = 10) => new(seq, new ObjectInfo($"k{seq}", "\"e\"", size));

    private static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

    /// <summary>Workers as the pipeline sees them; no node is made here (the specs stand in for the gateway).</summary>
    private static WorkerFetchers Workers(params string[] addresses) =>
        new(addresses, Source, null!, () => throw new InvalidOperationException("no node in these specs"));

    /// <summary>
    /// A dispatcher over a fixed window of <paramref name="window"/>; its <paramref name="downloaders"/>
    /// downloaders are puppets that pass what they are given to <paramref name="local"/>, and its answers back.
    /// </summary>
    private IActorRef Dispatcher(IActorRef sequencer, IRemoteFetchers? workers = null, int window = 16, int downloaders = 0,
        IActorRef? local = null, S3Tail.Filtering.GrepSpec? filter = null, PrefetchController? prefetch = null, long crashOn = -1,
        IActorRef? tallyTo = null) =>
        Sys.ActorOf(DispatcherActor.Props(new DispatchSettings(sequencer, prefetch ?? new PrefetchController(window), NullLog.Instance)
        {
            Downloader = local is null ? null : Props.Create(() => new PuppetDownloader(local, crashOn)),
            Downloaders = downloaders,
            Workers = workers,
            Filter = filter,
            Spool = _spool,
            TallyTo = tallyTo,
        }));

    /// <summary>A dispatcher whose workers the recruiter has checked: it gives out work.</summary>
    private static IActorRef Checked(IActorRef dispatcher)
    {
        dispatcher.Tell(new WorkersChecked());
        return dispatcher;
    }

    [Fact]
    public void Should_give_out_nothing_to_anyone_before_every_worker_is_checked_and_count_who_fetched_what()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var worker = CreateTestProbe();
        var workers = Workers("127.0.0.1:4053");
        var coordinator = CreateTestProbe();
        var dispatcher = Dispatcher(sequencer, workers, downloaders: 1, local: local, tallyTo: coordinator);
        dispatcher.Tell(new WantWork(1), worker);
        dispatcher.Tell(Fetch(0));
        dispatcher.Tell(Fetch(1));

        // A worker may yet refuse the run: no GET anywhere until the recruiter says every worker was looked at.
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        local.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        dispatcher.Tell(new WorkersChecked());
        Assert.Equal(0, worker.ExpectMsg<Work>().Seq);
        Assert.Equal(1, local.ExpectMsg<FetchObject>().Seq);

        dispatcher.Tell(new WorkChunk(0, 0, Bytes("a\n"), true), worker);
        local.Reply(new ObjectFetched(1, Fetch(1).Object, new InMemoryContent(Bytes("b\n"))));
        sequencer.ExpectMsg<ObjectFetched>();
        sequencer.ExpectMsg<ObjectFetched>();
        // The test probe's "worker" lives in this process: its address is the local one.
        coordinator.ExpectMsg<FetchTally>();
        var counts = coordinator.ExpectMsg<FetchTally>().Counts;   // the latest, after both objects
        Assert.Equal([(WorkTally.Here, 1L), ("127.0.0.1:4053", 0L)], counts.Take(2));
        Assert.Equal(2, counts.Sum(c => c.Objects));
    }

    [Fact]
    public void Should_give_out_at_once_in_a_run_without_workers()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var dispatcher = Dispatcher(sequencer, downloaders: 1, local: local);
        dispatcher.Tell(Fetch(0));

        Assert.Equal(0, local.ExpectMsg<FetchObject>().Seq);
        local.Reply(new ObjectFetched(0, Fetch(0).Object, new InMemoryContent(Bytes("a\n"))));
        Assert.Equal(0, sequencer.ExpectMsg<ObjectFetched>().Seq);
    }

    [Fact]
    public void Should_give_the_lowest_objects_to_whoever_pulls_and_assemble_a_workers_chunks()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), downloaders: 1, local: local));
        dispatcher.Tell(new WantWork(2), worker);
        for (int i = 0; i < 4; i++) dispatcher.Tell(Fetch(i));

        Assert.Equal([0L, 1L], new[] { worker.ExpectMsg<Work>().Seq, worker.ExpectMsg<Work>().Seq });
        Assert.Equal(2, local.ExpectMsg<FetchObject>().Seq);
        var downloader = local.LastSender;
        local.ExpectNoMsg(TimeSpan.FromMilliseconds(200));   // one downloader, one object at a time

        dispatcher.Tell(new WorkChunk(0, 0, Bytes("line 1\n"), false), worker);
        dispatcher.Tell(new WorkChunk(0, 1, Bytes("line 2\n"), true), worker);
        var fetched = sequencer.ExpectMsg<ObjectFetched>();
        Assert.Equal(0, fetched.Seq);
        using (var s = fetched.Content.OpenDecoded()) Assert.Equal("line 1\nline 2\n", new StreamReader(s).ReadToEnd());

        // The downloader's result goes on to the sequencer, and it pulls object 3.
        downloader.Tell(new ObjectFetched(2, Fetch(2).Object, new InMemoryContent(Bytes("x\n"))));
        Assert.Equal(2, sequencer.ExpectMsg<ObjectFetched>().Seq);
        Assert.Equal(3, local.ExpectMsg<FetchObject>().Seq);
    }

    [Fact]
    public void Should_fetch_a_lost_workers_objects_again_locally_and_drop_its_late_answers()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), downloaders: 2, local: local));
        dispatcher.Tell(new WantWork(2), worker);
        dispatcher.Tell(Fetch(0));
        dispatcher.Tell(Fetch(1));
        worker.ExpectMsg<Work>();
        worker.ExpectMsg<Work>();
        dispatcher.Tell(new WorkChunk(1, 0, Bytes("half"), false), worker);   // mid-object when it dies

        dispatcher.Tell(new WorkerLost(DispatcherActor.WorkerId(worker)));

        var again = new List<(FetchObject Fetch, IActorRef By)>();
        for (int i = 0; i < 2; i++) again.Add((local.ExpectMsg<FetchObject>(), local.LastSender));
        Assert.Equal([0L, 1L], again.Select(a => a.Fetch.Seq).Order());
        dispatcher.Tell(new WorkChunk(1, 1, Bytes(" and the rest\n"), true), worker);   // late: dropped
        dispatcher.Tell(new WorkChunk(0, 0, Bytes("late\n"), true), worker);          // late: dropped
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        // Each of the two downloaders answers for the object it holds.
        foreach (var (fetch, by) in again) by.Tell(new ObjectFetched(fetch.Seq, fetch.Object, new InMemoryContent(Bytes("x\n"))));
        Assert.Equal([0L, 1L], new[] { sequencer.ExpectMsg<ObjectFetched>().Seq, sequencer.ExpectMsg<ObjectFetched>().Seq }.Order());
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>
    /// A downloader that stops mid-fetch (killed, or crashed) has its object given out again, to
    /// the downloader that replaces it; an answer for it from the dead one would be dropped.
    /// </summary>
    [Fact]
    public void Should_give_a_stopped_downloaders_object_to_another()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var dispatcher = Dispatcher(sequencer, downloaders: 1, local: local);
        dispatcher.Tell(Fetch(0));
        dispatcher.Tell(Fetch(1));
        Assert.Equal(0, local.ExpectMsg<FetchObject>().Seq);
        var first = local.LastSender;

        first.Tell(Kill.Instance);

        Assert.Equal(0, local.ExpectMsg<FetchObject>().Seq);
        Assert.NotEqual(first, local.LastSender);
        local.Reply(new ObjectFetched(0, Fetch(0).Object, new InMemoryContent(Bytes("a\n"))));
        Assert.Equal(0, sequencer.ExpectMsg<ObjectFetched>().Seq);
        Assert.Equal(1, local.ExpectMsg<FetchObject>().Seq);
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    /// <summary>An object every downloader crashes on is failed after a few tries, not given out forever.</summary>
    [Fact]
    public void Should_fail_an_object_its_downloaders_keep_crashing_on_and_go_on_with_the_others()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var dispatcher = Dispatcher(sequencer, downloaders: 1, local: local, crashOn: 0);
        dispatcher.Tell(Fetch(0));
        dispatcher.Tell(Fetch(1));

        var failed = sequencer.ExpectMsg<FetchFailed>(TimeSpan.FromSeconds(5));
        Assert.Equal(0, failed.Seq);
        Assert.Contains($"stopped {DispatcherActor.MostStops} times", failed.Reason.Message);
        Assert.Equal(1, local.ExpectMsg<FetchObject>().Seq);
        local.Reply(new ObjectFetched(1, Fetch(1).Object, new InMemoryContent(Bytes("b\n"))));
        Assert.Equal(1, sequencer.ExpectMsg<ObjectFetched>().Seq);
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Should_send_a_filtered_run_s_filter_and_resume_line_with_the_work_and_hand_on_the_kept_lines_with_their_map()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var filter = S3Tail.Filtering.GrepFilter.Create(["GET"]).Spec!;
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), filter: filter));
        dispatcher.Tell(new WantWork(1), worker);
        dispatcher.Tell(Fetch(0) with { Placement = new Placement(SkipLines: 40) });

        var work = worker.ExpectMsg<Work>();
        Assert.Equal(40, work.SkipLines);
        Assert.Equal(filter, work.Filter);
        var map = new S3Tail.Decoding.LineMap();
        map.Add(41);
        map.Add(44);
        dispatcher.Tell(new WorkKept(0, map.ToRuns(), 50), worker);
        dispatcher.Tell(new WorkChunk(0, 0, Bytes("GET a\n"), false), worker);
        dispatcher.Tell(new WorkChunk(0, 1, Bytes("GET b\n"), true), worker);

        var fetched = sequencer.ExpectMsg<ObjectFetched>();
        var content = Assert.IsType<FilteredContent>(fetched.Content);
        Assert.Equal(50, content.ExaminedThrough);
        Assert.Equal([41L, 44L], new[] { content.Map.SourceLine(1), content.Map.SourceLine(2) });
        using var decoded = new StreamReader(content.OpenDecoded());
        Assert.Equal("GET a\nGET b\n", decoded.ReadToEnd());
        Assert.Equal(40, fetched.Placement.SkipLines);
    }

    [Fact]
    public void Should_fail_an_object_a_worker_sent_unfiltered_in_a_filtered_run_rather_than_write_lines_the_filter_did_not_keep()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), filter: S3Tail.Filtering.GrepFilter.Create(["GET"]).Spec));
        dispatcher.Tell(new WantWork(1), worker);
        dispatcher.Tell(Fetch(0));
        worker.ExpectMsg<Work>();

        dispatcher.Tell(new WorkChunk(0, 0, Bytes("PUT a\n"), true), worker);

        Assert.Contains("unfiltered", sequencer.ExpectMsg<FetchFailed>().Reason.Message);
    }

    [Fact]
    public void Should_acknowledge_each_chunk_and_put_an_object_past_the_memory_limit_in_a_spool_file()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers()));
        dispatcher.Tell(new WantWork(2), worker);
        dispatcher.Tell(Fetch(0));
        dispatcher.Tell(Fetch(1));
        worker.ExpectMsg<Work>();
        worker.ExpectMsg<Work>();
        var parts = Enumerable.Range(0, 6).Select(i => Enumerable.Repeat((byte)('a' + i), 1024 * 1024).ToArray()).ToList();

        for (int i = 0; i < parts.Count; i++)
        {
            dispatcher.Tell(new WorkChunk(0, i, parts[i], i == parts.Count - 1), worker);
            Assert.Equal(0, worker.ExpectMsg<ChunkAck>().Seq);
        }
        var fetched = sequencer.ExpectMsg<ObjectFetched>();
        var spooled = Assert.IsType<SpooledContent>(fetched.Content);
        using (var decoded = fetched.Content.OpenDecoded())
        {
            var all = new MemoryStream();
            decoded.CopyTo(all);
            Assert.Equal(parts.SelectMany(p => p).ToArray(), all.ToArray());
        }
        fetched.Content.Release();
        Assert.False(File.Exists(spooled.SpoolPath));

        // Object 1 is lost part way, past the limit: what was spooled of it goes.
        for (int i = 0; i < 5; i++) dispatcher.Tell(new WorkChunk(1, i, parts[i], false), worker);
        worker.ReceiveN(5);
        dispatcher.Tell(new WorkerLost(DispatcherActor.WorkerId(worker)));
        AwaitAssert(() => Assert.Empty(Directory.GetFiles(_spool.Folder)));
    }

    [Fact]
    public void Should_share_a_window_smaller_than_the_workers_slots_between_them_in_turn()
    {
        var sequencer = CreateTestProbe();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers()));
        dispatcher.Tell(new WantWork(16), first);
        dispatcher.Tell(new WantWork(16), second);

        for (int i = 0; i < 6; i++) dispatcher.Tell(Fetch(i));

        // Each arrives while both still ask: they alternate, lowest first.
        Assert.Equal([0L, 2L, 4L], first.ReceiveN(3).Cast<Work>().Select(w => w.Seq));
        Assert.Equal([1L, 3L, 5L], second.ReceiveN(3).Cast<Work>().Select(w => w.Seq));
    }

    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void Should_keep_no_more_out_than_the_window_and_pass_the_written_objects_credit_on_to_the_lister()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var lister = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), window: 3));
        dispatcher.Tell(new AttachLister(lister));
        dispatcher.Tell(new WantWork(10), worker);
        for (int i = 0; i < 6; i++) dispatcher.Tell(Fetch(i));

        Assert.Equal([0L, 1L, 2L], worker.ReceiveN(3).Cast<Work>().Select(w => w.Seq));
        worker.ExpectNoMsg(Quiet);
        dispatcher.Tell(new CreditReturned(2));
        Assert.Equal(2, lister.ExpectMsg<CreditReturned>().Count);
        Assert.Equal([3L, 4L], worker.ReceiveN(2).Cast<Work>().Select(w => w.Seq));
        worker.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Should_keep_auto_within_its_byte_budget_however_wide_the_window()
    {
        // Auto starts at a window of 64; objects of 100 MiB: two fit in 256 MiB, a third does not.
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), prefetch: PrefetchController.For(TailRequest.AutoPrefetch)));
        dispatcher.Tell(new WantWork(16), worker);
        for (int i = 0; i < 10; i++) dispatcher.Tell(Fetch(i, 100 * MiB));

        Assert.Equal([0L, 1L], worker.ReceiveN(2).Cast<Work>().Select(w => w.Seq));
        worker.ExpectNoMsg(Quiet);
        dispatcher.Tell(new CreditReturned(1));
        Assert.Equal(2, worker.ExpectMsg<Work>().Seq);
        worker.ExpectNoMsg(Quiet);
    }

    [Fact]
    public void Should_let_an_object_larger_than_the_budget_out_alone()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), prefetch: PrefetchController.For(TailRequest.AutoPrefetch)));
        dispatcher.Tell(new WantWork(16), worker);
        long[] sizes = [4, 1024 * MiB, 4, 4];
        for (int i = 0; i < sizes.Length; i++) dispatcher.Tell(Fetch(i, sizes[i]));

        Assert.Equal(0, worker.ExpectMsg<Work>().Seq);
        worker.ExpectNoMsg(Quiet);   // the large one waits for the small one to be written
        dispatcher.Tell(new CreditReturned(1));
        Assert.Equal(1, worker.ExpectMsg<Work>().Seq);
        worker.ExpectNoMsg(Quiet);   // nothing joins it
        dispatcher.Tell(new CreditReturned(1));
        Assert.Equal([2L, 3L], worker.ReceiveN(2).Cast<Work>().Select(w => w.Seq));
    }

    [Fact]
    public void Should_take_a_fixed_window_at_its_word_whatever_the_objects_sizes()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Dispatcher(sequencer, Workers(), window: 16));
        dispatcher.Tell(new WantWork(32), worker);
        for (int i = 0; i < 20; i++) dispatcher.Tell(Fetch(i, 100 * MiB));

        Assert.Equal(Enumerable.Range(0, 16).Select(i => (long)i), worker.ReceiveN(16).Cast<Work>().Select(w => w.Seq));
        worker.ExpectNoMsg(Quiet);
    }

    /// <summary>
    /// Stands in for a downloader: asks its parent for one object at a time like a real one, tells
    /// <paramref name="probe"/> what it was given (as its sender, so the probe's reply comes back
    /// here), and passes the reply on to the dispatcher. It crashes on object <paramref name="crashOn"/>.
    /// </summary>
    private sealed class PuppetDownloader : ReceiveActor
    {
        public PuppetDownloader(IActorRef probe, long crashOn)
        {
            Receive<FetchObject>(m =>
            {
                if (m.Seq == crashOn) throw new InvalidOperationException($"a bug that crashes on object {crashOn}");
                probe.Tell(m, Self);
            });
            Receive<object>(m =>
            {
                Context.Parent.Tell(m);
                Context.Parent.Tell(new WantWork(1));
            });
        }

        protected override void PreStart() => Context.Parent.Tell(new WantWork(1));
    }
}
