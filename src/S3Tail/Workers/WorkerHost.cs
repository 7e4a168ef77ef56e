using Akka.Actor;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Workers;

/// <summary>
/// <c>s3tail worker</c>: a node that serves one run after another. Each run gets a fresh
/// ActorSystem on the same address (an Akka node cannot join a second cluster): it waits at its
/// door, joins the run that asks, works until that run's dispatcher is gone, and starts over.
/// </summary>
internal static class WorkerHost
{
    /// <summary>Objects a worker fetches at once.</summary>
    public const int Slots = 16;

    public static async Task RunAsync(string host, int port, string secret, WorkerScope scope, Func<SourceSpec, IObjectSource> open, ObjectCache? cache,
        ILog log, Action? afterRun, CancellationToken stop)
    {
        using var spool = new SpoolFolder();
        // Slow on purpose (the KDF): once for every run this worker serves.
        using var identity = ClusterIdentity.Certificate(secret);
        while (!stop.IsCancellationRequested)
        {
            var system = NodeConfig.Create(host, port, "worker", identity);
            AkkaLog.Forward(system, log);   // ends with the system
            var runEnded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            system.ActorOf(WorkerDoorActor.Props(Slots, open, cache, spool, log, runEnded, scope), "door");
            log.Info($"worker listening at {NodeConfig.AddressOf(system)}");
            await Task.WhenAny(runEnded.Task, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
            await system.Terminate().ConfigureAwait(false);
            if (!stop.IsCancellationRequested) afterRun?.Invoke();
        }
    }
}
