using Akka.TestKit.Xunit2;
using S3Tail.Pipeline;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Workers;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Workers;

public sealed class WorkerAgentActorSpecs : TestKit, IDisposable
{
    private readonly SpoolFolder _spool = new();

    void IDisposable.Dispose() => _spool.Dispose();

    [Fact]
    public async Task Should_pull_work_and_send_each_objects_decoded_bytes_back_in_order_in_chunks()
    {
        var big = AccessLog(1, 12_000);   // a few MB: several chunks
        var small = AccessLog(2, 10);
        var source = new MemorySource([("logs/big", Gzip(big)), ("logs/small", small)]);
        source.Failures["logs/gone"] = S3TailException.Runtime("Access denied to logs/gone.");
        var spec = new SourceSpec("bucket", "us-east-1", null, "http://127.0.0.1:1");
        SourceSpec? opened = null;
        var dispatcher = CreateTestProbe();
        Sys.ActorOf(WorkerAgentActor.Props(dispatcher, 2, s => { opened = s; return source; }, null, _spool, NullLog.Instance,
            WorkerScope.Parse(null, "http://127.0.0.1:1")));

        Assert.Equal(2, dispatcher.ExpectMsg<WantWork>().Count);
        var listed = (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.ToDictionary(o => o.Key);
        dispatcher.Reply(new Work(7, spec, listed["logs/big"]));
        dispatcher.Reply(new Work(8, spec, listed["logs/small"]));

        var received = new Dictionary<long, List<WorkChunk>>();
        int wants = 0;
        while (received.Values.Count(c => c.Count > 0 && c[^1].Last) < 2 || wants < 2)
        {
            switch (dispatcher.ReceiveOne(TimeSpan.FromSeconds(10)))
            {
                case WorkChunk chunk: (received.TryGetValue(chunk.Seq, out var list) ? list : received[chunk.Seq] = []).Add(chunk); break;
                case WantWork want: wants += want.Count; break;
                case var other: Assert.Fail($"unexpected {other}"); break;
            }
        }
        Assert.Equal(spec, opened);
        Assert.True(received[7].Count > 1, "the big object came in one chunk");
        Assert.Equal(Enumerable.Range(0, received[7].Count), received[7].Select(c => c.Index));
        Assert.Equal(big, received[7].SelectMany(c => c.Bytes).ToArray());
        Assert.Equal(small, received[8].SelectMany(c => c.Bytes).ToArray());
        Assert.All(received[7].SkipLast(1), c => Assert.Equal(WorkerAgentActor.ChunkBytes, c.Bytes.Length));

        dispatcher.Reply(new Work(9, spec, new ObjectInfo("logs/gone", "\"e\"", 5)));
        var failed = dispatcher.ExpectMsg<WorkFailed>(TimeSpan.FromSeconds(10));
        Assert.Equal(9, failed.Seq);
        Assert.Contains("Access denied", failed.Message);
        Assert.Equal(1, dispatcher.ExpectMsg<WantWork>().Count);
    }

    [Fact]
    public async Task Should_send_only_the_kept_lines_after_where_each_came_from_when_the_work_carries_a_filter()
    {
        var lines = Enumerable.Range(1, 5000).Select(i => i % 7 == 0 ? $"line {i} GET /wanted\n" : $"line {i} GET /other\n").ToList();
        var decoded = System.Text.Encoding.UTF8.GetBytes(string.Concat(lines));
        var source = new MemorySource([("logs/a", Gzip(decoded))]);
        var dispatcher = CreateTestProbe();
        Sys.ActorOf(WorkerAgentActor.Props(dispatcher, 1, _ => source, null, _spool, NullLog.Instance));
        dispatcher.ExpectMsg<WantWork>();
        var listed = (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.Single();
        var filter = S3Tail.Filtering.GrepFilter.Create(["wanted"], fixedStrings: true).Spec!;

        // Resuming after source line 100: lines 1..100 are not examined again.
        dispatcher.Reply(new Work(3, new SourceSpec("bucket", null, null, null), listed, SkipLines: 100, Filter: filter));

        var kept = dispatcher.ExpectMsg<WorkKept>(TimeSpan.FromSeconds(10));
        var chunks = new List<WorkChunk>();
        do chunks.Add(dispatcher.ExpectMsg<WorkChunk>(TimeSpan.FromSeconds(10))); while (!chunks[^1].Last);
        var expected = Enumerable.Range(101, 4900).Where(i => i % 7 == 0).ToList();
        Assert.Equal(string.Concat(expected.Select(i => lines[i - 1])), System.Text.Encoding.UTF8.GetString(chunks.SelectMany(c => c.Bytes).ToArray()));
        var map = S3Tail.Decoding.LineMap.FromRuns(kept.MapRuns);
        Assert.Equal(expected.Count, map.KeptCount);
        Assert.Equal(expected.Select(i => (long)i), Enumerable.Range(1, expected.Count).Select(k => map.SourceLine(k)));
        Assert.Equal(5000, kept.ExaminedThrough);
    }

    [Fact]
    public async Task Should_send_no_more_than_its_window_of_chunks_of_an_object_until_they_are_acknowledged()
    {
        var big = AccessLog(3, 45_000);   // about ten chunks
        var source = new MemorySource([("logs/big", big)]);
        var dispatcher = CreateTestProbe();
        var agent = Sys.ActorOf(WorkerAgentActor.Props(dispatcher, 1, _ => source, null, _spool, NullLog.Instance));
        dispatcher.ExpectMsg<WantWork>();
        dispatcher.Reply(new Work(0, new SourceSpec("bucket", null, null, null), (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.Single()));

        var chunks = Enumerable.Range(0, WorkerAgentActor.ChunksInFlight).Select(_ => dispatcher.ExpectMsg<WorkChunk>(TimeSpan.FromSeconds(10))).ToList();
        dispatcher.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        while (!chunks[^1].Last)
        {
            agent.Tell(new ChunkAck(0), dispatcher);
            chunks.Add(dispatcher.ExpectMsg<WorkChunk>(TimeSpan.FromSeconds(10)));
        }

        Assert.True(chunks.Count > WorkerAgentActor.ChunksInFlight + 2, $"only {chunks.Count} chunks");
        Assert.Equal(big, chunks.SelectMany(c => c.Bytes).ToArray());
        Assert.Equal(1, dispatcher.ExpectMsg<WantWork>(TimeSpan.FromSeconds(10)).Count);
    }

    [Fact]
    public async Task Should_send_no_failure_for_the_objects_it_holds_when_it_is_stopped_the_worker_is_leaving()
    {
        var source = new MemorySource([("logs/slow", AccessLog(4, 10))]) { OpenDelay = TimeSpan.FromSeconds(5) };
        var dispatcher = CreateTestProbe();
        var agent = Sys.ActorOf(WorkerAgentActor.Props(dispatcher, 1, _ => source, null, _spool, NullLog.Instance));
        dispatcher.ExpectMsg<WantWork>();
        dispatcher.Reply(new Work(0, new SourceSpec("bucket", null, null, null), (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.Single()));
        await Task.Delay(300);   // the fetch is under way

        Sys.Stop(agent);

        dispatcher.ExpectNoMsg(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void Should_refuse_work_outside_what_its_operator_allows_without_opening_the_source()
    {
        var dispatcher = CreateTestProbe();
        var opened = 0;
        Sys.ActorOf(WorkerAgentActor.Props(dispatcher, 1, _ => { opened++; return new MemorySource([("logs/a", "x\n"u8.ToArray())]); }, null, _spool,
            NullLog.Instance, WorkerScope.Parse("s3://bucket/logs/", "http://minio:9000")));
        dispatcher.ExpectMsg<WantWork>();
        var info = new ObjectInfo("secrets/a", "\"e\"", 2);

        // Whoever holds the secret can send any work: another prefix, another bucket, another endpoint, a region that is no region.
        dispatcher.Reply(new Work(0, new SourceSpec("bucket", null, null, null), info));
        Assert.Contains("it may read only s3://bucket/logs/ (--allow), not s3://bucket/secrets/a", dispatcher.ExpectMsg<WorkFailed>().Message);
        dispatcher.ExpectMsg<WantWork>();
        dispatcher.Reply(new Work(1, new SourceSpec("other", null, null, null), info with { Key = "logs/a" }));
        Assert.Contains("not s3://other/logs/a", dispatcher.ExpectMsg<WorkFailed>().Message);
        dispatcher.ExpectMsg<WantWork>();
        dispatcher.Reply(new Work(2, new SourceSpec("bucket", null, null, "http://169.254.169.254"), info with { Key = "logs/a" }));
        Assert.Contains("not from the endpoint http://169.254.169.254", dispatcher.ExpectMsg<WorkFailed>().Message);
        dispatcher.ExpectMsg<WantWork>();
        dispatcher.Reply(new Work(3, new SourceSpec("bucket", "evil.example.com#", null, null), info with { Key = "logs/a" }));
        Assert.Contains("'evil.example.com#' is not an AWS region name", dispatcher.ExpectMsg<WorkFailed>().Message);
        Assert.Equal(0, opened);
    }
}
