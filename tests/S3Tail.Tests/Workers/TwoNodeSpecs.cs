using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit.Xunit2;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Workers;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Workers;

/// <summary>
/// A run's node and a worker node in one process, over real Akka.Cluster and TLS on 127.0.0.1:
/// the worker joins on request, pulls objects from the dispatcher and sends their bytes back.
/// </summary>
public sealed class TwoNodeSpecs : IAsyncLifetime
{
    private const string Secret = "two-node-spec-secret";
    private readonly SpoolFolder _spool = new();
    private ActorSystem _run = null!, _worker = null!;

    public Task InitializeAsync()
    {
        _run = NodeConfig.Create("127.0.0.1", 0, "run", Secret);
        _worker = NodeConfig.Create("127.0.0.1", 0, "worker", Secret);
        Cluster.Get(_run).Join(NodeConfig.AddressOf(_run));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await Task.WhenAll(_worker.Terminate(), _run.Terminate());
        _spool.Dispose();
    }

    [Fact]
    public async Task Should_fetch_objects_on_the_worker_and_hand_their_bytes_to_the_sequencer()
    {
        var objects = Enumerable.Range(0, 12).Select(i => (Key: $"logs/{i:D2}", Decoded: AccessLog(i, i == 3 ? 30_000 : 40))).ToList();
        var bucket = new MemorySource(objects.Select(o => (o.Key, o.Decoded)));
        var runEnded = new TaskCompletionSource();
        _worker.ActorOf(WorkerDoorActor.Props(4, _ => bucket, null, _spool, NullLog.Instance, runEnded), "door");

        var sequencer = new TestKit(_run).CreateTestProbe();
        var workers = new WorkerFetchers([], new SourceSpec("b", null, null, null), null!, () => throw new InvalidOperationException("the spec made the node"));
        var dispatcher = _run.ActorOf(DispatcherActor.Props(new DispatchSettings(sequencer, new PrefetchController(16), NullLog.Instance)
        {
            Workers = workers,
            Spool = _spool,
        }), "dispatcher");
        // The run's node finds the door by its address, as it would a remote worker's.
        var remoteDoor = await _run.ActorSelection($"{NodeConfig.AddressOf(_worker)}/user/door").ResolveOne(TimeSpan.FromSeconds(5));
        dispatcher.Tell(new WorkersChecked());
        remoteDoor.Tell(JoinRun.For(dispatcher, new SourceSpec("b", null, null, null), ""));
        var listed = (await bucket.ListAsync("", null, 100, CancellationToken.None)).Objects;
        for (int i = 0; i < listed.Count; i++) dispatcher.Tell(new FetchObject(i, listed[i]));

        var fetched = Enumerable.Range(0, objects.Count).Select(_ => sequencer.ExpectMsg<ObjectFetched>(TimeSpan.FromSeconds(20))).ToList();
        foreach (var f in fetched)
        {
            using var s = f.Content.OpenDecoded();
            var bytes = new MemoryStream();
            s.CopyTo(bytes);
            Assert.Equal(objects[(int)f.Seq].Decoded, bytes.ToArray());
        }
        Assert.Equal(objects.Count, bucket.Opens.Values.Sum());   // every object fetched once, on the worker

        // The run ends: the worker's door hears that its dispatcher is gone.
        _run.Stop(dispatcher);
        await runEnded.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
