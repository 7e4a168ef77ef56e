using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Workers;
using S3Tail.Contents;

namespace S3Tail.Tests.Workers;

public sealed class WorkDispatcherActorSpecs : TestKit, IDisposable
{
    private readonly S3Tail.Cache.SpoolFolder _spool = new();

    void IDisposable.Dispose() => _spool.Dispose();

    private static readonly SourceSpec Source = new("bucket", "us-east-1", null, null);

    private static FetchObject Fetch(long seq) => new(seq, new ObjectInfo($"k{seq}", "\"e\"", 10));

    private static byte[] Bytes(string s) => System.Text.Encoding.UTF8.GetBytes(s);

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
        var tally = new WorkTally(["127.0.0.1:4053"]);
        var dispatcher = Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, null, localSlots: 1, _spool, NullLog.Instance, tally));
        dispatcher.Tell(new AttachLocalPool(local));
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
        dispatcher.Tell(new ObjectFetched(1, Fetch(1).Object, new InMemoryContent(Bytes("b\n"))), local);
        sequencer.ExpectMsg<ObjectFetched>();
        sequencer.ExpectMsg<ObjectFetched>();
        // The test probe's "worker" lives in this process: its address is the local one.
        Assert.Equal([(WorkTally.Here, 1L), ("127.0.0.1:4053", 0L)], tally.Counts().Take(2));
        Assert.Equal(2, tally.Counts().Sum(c => c.Objects));
    }

    [Fact]
    public void Should_give_the_lowest_objects_to_whoever_pulls_and_assemble_a_workers_chunks()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, null, localSlots: 1, _spool, NullLog.Instance)));
        dispatcher.Tell(new WantWork(2), worker);
        for (int i = 0; i < 4; i++) dispatcher.Tell(Fetch(i));
        dispatcher.Tell(new AttachLocalPool(local));

        Assert.Equal([0L, 1L], new[] { worker.ExpectMsg<Work>().Seq, worker.ExpectMsg<Work>().Seq });
        Assert.Equal(2, local.ExpectMsg<FetchObject>().Seq);
        local.ExpectNoMsg(TimeSpan.FromMilliseconds(200));   // one local slot

        dispatcher.Tell(new WorkChunk(0, 0, Bytes("line 1\n"), false), worker);
        dispatcher.Tell(new WorkChunk(0, 1, Bytes("line 2\n"), true), worker);
        var fetched = sequencer.ExpectMsg<ObjectFetched>();
        Assert.Equal(0, fetched.Seq);
        using (var s = fetched.Content.OpenDecoded()) Assert.Equal("line 1\nline 2\n", new StreamReader(s).ReadToEnd());

        // The local downloader's result goes on to the sequencer and frees its slot for object 3.
        dispatcher.Tell(new ObjectFetched(2, Fetch(2).Object, new InMemoryContent(Bytes("x\n"))), local);
        Assert.Equal(2, sequencer.ExpectMsg<ObjectFetched>().Seq);
        Assert.Equal(3, local.ExpectMsg<FetchObject>().Seq);
    }

    [Fact]
    public void Should_fetch_a_lost_workers_objects_again_locally_and_drop_its_late_answers()
    {
        var sequencer = CreateTestProbe();
        var local = CreateTestProbe();
        var worker = CreateTestProbe();
        var dispatcher = Checked(Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, null, localSlots: 2, _spool, NullLog.Instance)));
        dispatcher.Tell(new WantWork(2), worker);
        dispatcher.Tell(Fetch(0));
        dispatcher.Tell(Fetch(1));
        worker.ExpectMsg<Work>();
        worker.ExpectMsg<Work>();
        dispatcher.Tell(new WorkChunk(1, 0, Bytes("half"), false), worker);   // mid-object when it dies

        dispatcher.Tell(new AttachLocalPool(local));
        dispatcher.Tell(new WorkerLost(WorkDispatcherActor.WorkerId(worker)));

        Assert.Equal([0L, 1L], new[] { local.ExpectMsg<FetchObject>().Seq, local.ExpectMsg<FetchObject>().Seq });
        dispatcher.Tell(new WorkChunk(1, 1, Bytes(" and the rest\n"), true), worker);   // late: dropped
        dispatcher.Tell(new WorkChunk(0, 0, Bytes("late\n"), true), worker);          // late: dropped
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        dispatcher.Tell(new ObjectFetched(0, Fetch(0).Object, new InMemoryContent(Bytes("a\n"))), local);
        dispatcher.Tell(new ObjectFetched(1, Fetch(1).Object, new InMemoryContent(Bytes("b\n"))), local);
        Assert.Equal([0L, 1L], new[] { sequencer.ExpectMsg<ObjectFetched>().Seq, sequencer.ExpectMsg<ObjectFetched>().Seq });
        sequencer.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Should_send_a_filtered_run_s_filter_and_resume_line_with_the_work_and_hand_on_the_kept_lines_with_their_map()
    {
        var sequencer = CreateTestProbe();
        var worker = CreateTestProbe();
        var filter = S3Tail.Filtering.GrepFilter.Create(["GET"]).Spec!;
        var dispatcher = Checked(Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, filter, localSlots: 0, _spool, NullLog.Instance)));
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
        var dispatcher = Checked(Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, S3Tail.Filtering.GrepFilter.Create(["GET"]).Spec, localSlots: 0, _spool, NullLog.Instance)));
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
        var dispatcher = Checked(Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, null, localSlots: 0, _spool, NullLog.Instance)));
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
        dispatcher.Tell(new WorkerLost(WorkDispatcherActor.WorkerId(worker)));
        AwaitAssert(() => Assert.Empty(Directory.GetFiles(_spool.Folder)));
    }

    [Fact]
    public void Should_share_a_window_smaller_than_the_workers_slots_between_them_in_turn()
    {
        var sequencer = CreateTestProbe();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var dispatcher = Checked(Sys.ActorOf(WorkDispatcherActor.Props(sequencer, Source, null, localSlots: 0, _spool, NullLog.Instance)));
        dispatcher.Tell(new WantWork(16), first);
        dispatcher.Tell(new WantWork(16), second);

        for (int i = 0; i < 6; i++) dispatcher.Tell(Fetch(i));

        // Each arrives while both still ask: they alternate, lowest first.
        Assert.Equal([0L, 2L, 4L], first.ReceiveN(3).Cast<Work>().Select(w => w.Seq));
        Assert.Equal([1L, 3L, 5L], second.ReceiveN(3).Cast<Work>().Select(w => w.Seq));
    }
}
