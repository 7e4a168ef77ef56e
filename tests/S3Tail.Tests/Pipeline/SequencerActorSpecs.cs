using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Bookmarks;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Contents;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Pipeline;

public sealed class SequencerActorSpecs : TestKit, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3tail-seq-").FullName;
    private readonly CancellationTokenSource _stopping = new();

    void IDisposable.Dispose()
    {
        Directory.Delete(_dir, true);
        _stopping.Dispose();
    }

    private (ObjectInfo Info, ObjectContent Content) Object(int i, string text)
    {
        var key = $"key-{i:D3}";
        File.WriteAllBytes(Path.Combine(_dir, key), Text(text));
        var info = new ObjectInfo(key, "e", Text(text).Length);
        return (info, new InPlaceContent(new LocalFolderSource(_dir), info));
    }

    private (IActorRef Sequencer, Akka.TestKit.TestProbe Parent, Akka.TestKit.TestProbe Writer, Akka.TestKit.TestProbe Lister) Start(Bookmark? resume = null)
    {
        var parent = CreateTestProbe();
        var writer = CreateTestProbe();
        var lister = CreateTestProbe();
        var pool = CreateTestProbe();
        var source = new MemorySource([]);
        var request = new TailRequest { Source = source, Bookmark = resume };
        var fetcher = new ObjectFetcher(source, null, null, RetryPolicy.Default, NullLog.Instance);
        var sequencer = parent.ChildActorOf(SequencerActor.Props(new PipelineSettings(request, fetcher, _stopping), writer));
        sequencer.Tell(new AttachLister(lister));
        return (sequencer, parent, writer, lister);
    }

    /// <summary>Receives one batch at the writer and acknowledges it as fully written.</summary>
    private static WriteLines AckNext(Akka.TestKit.TestProbe writer)
    {
        var write = writer.ExpectMsg<WriteLines>();
        string text = System.Text.Encoding.UTF8.GetString(write.Batch.Bytes);
        writer.Reply(new BatchWritten(write.Seq, write.Key, write.Batch.LastLine, write.Batch.Newlines, write.Batch.Length, null));
        Assert.EndsWith("\n", text);
        return write;
    }

    [Fact]
    public void Should_release_objects_in_key_order_when_downloads_finish_in_random_order()
    {
        const int count = 40;
        var (sequencer, parent, writer, lister) = Start();
        var objects = Enumerable.Range(0, count).Select(i => Object(i, $"line of object {i}\n")).ToList();

        foreach (int i in Enumerable.Range(0, count).OrderBy(_ => Random.Shared.Next()))
            sequencer.Tell(new ObjectFetched(i, objects[i].Info, objects[i].Content));
        sequencer.Tell(new ListingCompleted(count));

        for (int i = 0; i < count; i++)
        {
            var write = AckNext(writer);
            Assert.Equal(i, write.Seq);
            Assert.Equal(objects[i].Info.Key, write.Key);
        }
        var finished = parent.ExpectMsg<RunFinished>();
        Assert.Equal(StopReason.Completed, finished.Result.Reason);
        Assert.Equal(new Bookmark("key-039", 1), finished.Result.Bookmark);
        Assert.Equal(count, finished.Result.Statistics.ObjectsWritten);
        // Each written object gave one credit back to the lister.
        long credit = 0;
        while (credit < count) credit += lister.ExpectMsg<CreditReturned>().Count;
        Assert.Equal(count, credit);
    }

    [Fact]
    public void Should_hold_back_a_later_object_until_the_one_before_it_is_written()
    {
        var (sequencer, _, writer, _) = Start();
        var first = Object(0, "first\n");
        var second = Object(1, "second\n");

        sequencer.Tell(new ObjectFetched(1, second.Info, second.Content));
        writer.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        sequencer.Tell(new ObjectFetched(0, first.Info, first.Content));
        Assert.Equal(0, AckNext(writer).Seq);
        Assert.Equal(1, AckNext(writer).Seq);
    }

    [Fact]
    public void Should_move_the_bookmark_only_when_the_writer_acknowledges()
    {
        var (sequencer, parent, writer, _) = Start();
        var o = Object(0, "a\nb\nc\n");
        sequencer.Tell(new ObjectFetched(0, o.Info, o.Content));
        sequencer.Tell(new ListingCompleted(1));

        var write = writer.ExpectMsg<WriteLines>();
        // Nothing acknowledged yet, then a stop: the bookmark must not name the queued lines.
        sequencer.Tell(new StopRun("test"));
        parent.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        writer.Reply(new BatchWritten(write.Seq, write.Key, null, 0, 0, null));
        var finished = parent.ExpectMsg<RunFinished>();
        Assert.Equal(StopReason.Cancelled, finished.Result.Reason);
        Assert.Null(finished.Result.Bookmark);
    }

    [Fact]
    public void Should_skip_the_lines_the_lister_says_were_written_before()
    {
        var (sequencer, _, writer, _) = Start(new Bookmark("key-000", 2));
        var o = Object(0, "1\n2\n3\n4\n");
        sequencer.Tell(new ObjectFetched(0, o.Info, o.Content, new Placement(SkipLines: 2)));
        var write = writer.ExpectMsg<WriteLines>();
        Assert.Equal(3, write.Batch.FirstLine);
        Assert.Equal("3\n4\n", System.Text.Encoding.UTF8.GetString(write.Batch.Bytes));
    }
}
