using Akka.Actor;
using Akka.Cluster;
using S3Tail.Workers;

namespace S3Tail.Tests.Workers;

/// <summary>A run's node and a worker form a cluster over TLS on 127.0.0.1, only with the same secret.</summary>
public sealed class NodeConfigSpecs
{
    private static async Task<bool> Joins(string runSecret, string workerSecret)
    {
        var run = NodeConfig.Create("127.0.0.1", 0, "run", runSecret);
        var worker = NodeConfig.Create("127.0.0.1", 0, "worker", workerSecret);
        try
        {
            var runAddress = NodeConfig.AddressOf(run);
            Cluster.Get(run).Join(runAddress);
            Cluster.Get(worker).Join(runAddress);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(8);
            while (DateTime.UtcNow < deadline)
            {
                if (Cluster.Get(run).State.Members.Any(m => m.HasRole("worker") && m.Status == MemberStatus.Up)) return true;
                await Task.Delay(100);
            }
            return false;
        }
        finally
        {
            await Task.WhenAll(worker.Terminate(), run.Terminate());
        }
    }

    [Fact]
    public async Task Should_let_a_worker_with_the_secret_join_the_run()
    {
        Assert.True(await Joins("s3cret-for-the-fleet", "s3cret-for-the-fleet"));
    }

    [Fact]
    public async Task Should_never_let_a_worker_with_another_secret_become_a_member()
    {
        Assert.False(await Joins("s3cret-for-the-fleet", "guessed"));
    }

    private sealed class Heard : ReceiveActor
    {
        public Heard(TaskCompletionSource<string> heard) => Receive<string>(s => heard.TrySetResult(s));
    }

    [Fact]
    public async Task Should_let_a_peer_holding_the_secret_select_a_workers_door_and_nothing_else()
    {
        var run = NodeConfig.Create("127.0.0.1", 0, "run", "fleet");
        var worker = NodeConfig.Create("127.0.0.1", 0, "worker", "fleet");
        try
        {
            var door = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var other = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            worker.ActorOf(Props.Create(() => new Heard(door)), "door");
            worker.ActorOf(Props.Create(() => new Heard(other)), "other");
            var address = NodeConfig.AddressOf(worker);

            run.ActorSelection($"{address}/user/other").Tell("to other");
            run.ActorSelection($"{address}/user/door").Tell("to door");

            // Messages between two nodes arrive in order: once the door has heard, "other" would have.
            Assert.Equal("to door", await door.Task.WaitAsync(TimeSpan.FromSeconds(20)));
            await Task.Delay(200);
            Assert.False(other.Task.IsCompleted);
        }
        finally
        {
            await Task.WhenAll(worker.Terminate(), run.Terminate());
        }
    }
}
