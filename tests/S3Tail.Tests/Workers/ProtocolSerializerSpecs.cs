using Akka.Actor;
using S3Tail.Pipeline;
using S3Tail.Filtering;
using S3Tail.Storage;
using S3Tail.Workers;
using S3Tail.Decoding;

namespace S3Tail.Tests.Workers;

/// <summary>The worker protocol through a worker node's own serialization, as it crosses the wire.</summary>
public sealed class ProtocolSerializerSpecs : IAsyncLifetime
{
    private ActorSystem _node = null!;

    public Task InitializeAsync()
    {
        _node = NodeConfig.Create("127.0.0.1", 0, "worker", "serializer-spec");
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _node.Terminate();

    private T RoundTrip<T>(T message) where T : notnull
    {
        var serializer = _node.Serialization.FindSerializerFor(message);
        Assert.IsType<ProtocolSerializer>(serializer);
        string manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
        return Assert.IsType<T>(_node.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest));
    }

    [Fact]
    public void Should_carry_a_chunk_of_lines_byte_for_byte_behind_a_small_header()
    {
        var bytes = new byte[1024 * 1024];
        new Random(7).NextBytes(bytes);
        var chunk = new WorkChunk(long.MaxValue - 3, 41, bytes, Last: true);

        var back = RoundTrip(chunk);

        Assert.Equal((chunk.Seq, chunk.Index, chunk.Last), (back.Seq, back.Index, back.Last));
        Assert.Equal(bytes, back.Bytes);
        // Random bytes do not compress: they travel as they are, behind the header.
        Assert.True(_node.Serialization.FindSerializerFor(chunk).ToBinary(chunk).Length <= bytes.Length + 17);
        Assert.Empty(RoundTrip(new WorkChunk(0, 0, [], false)).Bytes);
    }

    [Fact]
    public void Should_compress_a_chunk_of_log_lines_on_the_wire_and_give_back_the_same_bytes()
    {
        var lines = S3Tail.Tests.Support.Objects.AccessLog(5, 4000);
        var chunk = new WorkChunk(3, 0, lines, Last: false);

        int wire = _node.Serialization.FindSerializerFor(chunk).ToBinary(chunk).Length;
        var back = RoundTrip(chunk);

        Assert.True(wire < lines.Length / 3, $"{wire} bytes on the wire for {lines.Length} of lines");
        Assert.Equal(lines, back.Bytes);
        Assert.False(back.Last);
    }

    [Fact]
    public void Should_carry_work_with_its_source_object_resume_line_and_filter_and_never_more()
    {
        var work = new Work(12, new SourceSpec("logs-bucket", "eu-west-1", "reader", "https://s3.example.com"),
            new ObjectInfo("logs/2026/11/28/ä b+c.gz", "\"0123abcd\"", 1L << 40), SkipLines: 17,
            Filter: GrepFilter.Create(["GET /x", "POST"], fixedStrings: true, ignoreCase: true, invert: true).Spec);
        var plain = new Work(13, new SourceSpec("b", null, null, null), new ObjectInfo("k", "", 0));
        var paid = new Work(14, new SourceSpec("b", null, null, null, RequesterPays: true), new ObjectInfo("k", "", 0));
        var records = new Work(15, new SourceSpec("b", null, null, null), new ObjectInfo("k", "", 0),
            Decoding: new S3Tail.Decoding.DecodeOptions(S3Tail.Decoding.ObjectFormat.Records, RecordsWithParent: true));
        var lines = plain with { Decoding = new S3Tail.Decoding.DecodeOptions(S3Tail.Decoding.ObjectFormat.Lines) };
        var rows = plain with { Decoding = new S3Tail.Decoding.DecodeOptions(S3Tail.Decoding.ObjectFormat.Parquet, ParquetText: true) };

        Assert.Equal(records, RoundTrip(records));
        Assert.Equal(lines, RoundTrip(lines));
        Assert.Equal(rows, RoundTrip(rows));
        Assert.Equal(work, RoundTrip(work));
        Assert.Equal(plain, RoundTrip(plain));
        Assert.Equal(paid, RoundTrip(paid));
    }

    [Fact]
    public void Should_carry_the_workers_answers()
    {
        var map = new LineMap();
        foreach (long line in new long[] { 3, 4, 5, 9, 100 }) map.Add(line);
        var kept = RoundTrip(new WorkKept(5, map.ToRuns(), 120));
        var back = LineMap.FromRuns(kept.MapRuns);

        Assert.Equal((5L, 120L, 5L), (kept.Seq, kept.ExaminedThrough, back.KeptCount));
        Assert.Equal(new long[] { 3, 4, 5, 9, 100 }, Enumerable.Range(1, 5).Select(k => back.SourceLine(k)));
        Assert.Equal(new WantWork(16), RoundTrip(new WantWork(16)));
        Assert.Equal(new ChunkAck(7), RoundTrip(new ChunkAck(7)));
        Assert.Equal(new WorkFailed(9, "Access denied to logs/ä."), RoundTrip(new WorkFailed(9, "Access denied to logs/ä.")));
    }

    [Fact]
    public void Should_carry_the_run_s_dispatcher_as_an_address_a_worker_can_answer()
    {
        var dispatcher = _node.ActorOf(Props.Empty, "dispatcher");

        var source = new SourceSpec("bucket", "eu-west-1", "ops", "http://minio:9000");
        var join = RoundTrip(JoinRun.For(dispatcher, source, "logs/"));

        Assert.Equal(dispatcher.Path, join.Dispatcher.Path);
        Assert.Equal((WorkerProtocol.Version, WorkerProtocol.Software, source, "logs/"), (join.Protocol, join.Software, join.Source, join.Prefix));
        Assert.Equal(new JoinAnswer(2, "1.2.3", JoinOutcome.Refused, "not allowed"), RoundTrip(new JoinAnswer(2, "1.2.3", JoinOutcome.Refused, "not allowed")));
    }

    [Fact]
    public void Should_read_the_version_and_dispatcher_of_a_join_from_another_protocol_version_whatever_follows()
    {
        var dispatcher = _node.ActorOf(Props.Empty, "dispatcher-of-another-version");
        var serializer = (ProtocolSerializer)_node.Serialization.FindSerializerForType(typeof(JoinRun));
        // What a later version might send: the fields every version keeps, then something unknown here.
        var wire = new MemoryStream();
        using (var w = new BinaryWriter(wire))
        {
            w.Write(WorkerProtocol.Version + 1);
            w.Write("9.9.9");
            w.Write(Akka.Serialization.Serialization.SerializedActorPath(dispatcher));
            w.Write(new byte[] { 0xFF, 0x00, 0x7F });
        }

        var join = (JoinRun)serializer.FromBinary(wire.ToArray(), "J");

        Assert.Equal((WorkerProtocol.Version + 1, "9.9.9", dispatcher.Path), (join.Protocol, join.Software, join.Dispatcher.Path));
        Assert.Null(join.Source);
    }
}
