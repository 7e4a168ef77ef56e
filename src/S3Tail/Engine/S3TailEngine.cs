using Akka.Actor;
using Akka.Configuration;
using S3Tail.Cache;
using S3Tail.Hosting;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Workers;

namespace S3Tail;

/// <summary>
/// The engine's entry point: reads every object under the request's prefix, in key order, into a
/// line handler or sink, and returns where it stopped.
/// <code>
/// using var source = new S3ObjectSource("my-logs", new S3Settings(Region: "us-west-2"));
/// var result = await S3TailEngine.RunAsync(
///     new TailRequest { Source = source, Prefix = "s3/2016-09-11", Bookmark = Bookmark.Parse("s3/2016-09-11-00:12") },
///     (key, line, bytes) => { Console.WriteLine(Encoding.UTF8.GetString(bytes)); return true; });
/// Console.WriteLine(result.Bookmark);
/// </code>
/// </summary>
public static class S3TailEngine
{
    /// <summary>Runs with a line handler; return false from it to stop after that line.</summary>
    public static Task<TailResult> RunAsync(TailRequest request, LineHandler handler, CancellationToken cancellationToken = default) =>
        RunAsync(request, new HandlerLineSink(handler), cancellationToken);

    /// <summary>The actor system a run needs, configured for the pipeline.</summary>
    public static ActorSystem CreateActorSystem() => CreateActorSystem(Logging.LogLevel.Warning);

    /// <summary>As <see cref="CreateActorSystem()"/>, with Akka publishing what a log at <paramref name="logLevel"/> shows.</summary>
    public static ActorSystem CreateActorSystem(Logging.LogLevel logLevel) =>
        ActorSystem.Create("s3tail", ConfigurationFactory.ParseString(PipelineConfig.For(logLevel)));

    /// <summary>
    /// Asks for the listing's first page now, to hand to <see cref="TailRequest.FirstPage"/>: a
    /// short-lived program can list while its actor system starts (both take ~0.2 s cold).
    /// </summary>
    internal static Task<ListPage> StartListing(IObjectSource source, string prefix, Bookmarks.Bookmark? bookmark,
        RetryPolicy? retry = null, CancellationToken cancellationToken = default) =>
        (retry ?? RetryPolicy.Default).WithinStallTimeout(
            ct => source.ListAsync(prefix, Listing.BookmarkSkip.StartAfter(bookmark?.Key), 1000, ct), cancellationToken);

    /// <summary>Runs in an ActorSystem of its own, made for this run and ended with it.</summary>
    public static async Task<TailResult> RunAsync(TailRequest request, ILineSink sink, CancellationToken cancellationToken = default)
    {
        var system = CreateActorSystem();
        try
        {
            return await RunAsync(system, request, sink, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().ConfigureAwait(false);
        }
    }

    private static void Validate(TailRequest request)
    {
        if (request.Prefetch is < 0 or > TailRequest.MaxPrefetch)
            throw S3TailException.Usage($"--prefetch must be auto (0) or between 1 and {TailRequest.MaxPrefetch}; got {request.Prefetch}.");

        if (request.Workers is not null && request.Filter is { Spec: null })
            throw S3TailException.Usage("This run's line filter cannot travel to workers: only a GrepFilter can.");
    }

    /// <summary>
    /// Runs in the actor system <paramref name="system"/> gives, awaiting it only once there is
    /// something to run: when the request's <see cref="TailRequest.FirstPage"/> lists nothing (and
    /// the run neither follows nor has workers) the run is over before the system is up. A run
    /// from cron that finds nothing new then costs no actor system.
    /// </summary>
    internal static async Task<TailResult> RunAsync(Task<ActorSystem> system, TailRequest request, ILineSink sink,
        CancellationToken cancellationToken = default)
    {
        Validate(request);
        if (request is { FirstPage: { } first, Follow: null, Workers: null })
        {
            // A failed first page is the run's to report, as it always is: fall through to it.
            var page = await first.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default).ConfigureAwait(false);
            if (page is { Objects.Count: 0, IsTruncated: false } && !cancellationToken.IsCancellationRequested)
                return new TailResult(request.Bookmark, StopReason.Completed, null,
                    new RunStatistics(0, 0, 0, 0, 0, []) { PrefetchWindow = Pipeline.PrefetchController.For(request.Prefetch).Limit });
        }
        return await RunAsync(await system.ConfigureAwait(false), request, sink, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs in the given ActorSystem (which needs <see cref="PipelineConfig.Hocon"/>, e.g. through
    /// <see cref="AkkaHostingExtensions.AddS3TailPipeline"/>).
    /// </summary>
    public static async Task<TailResult> RunAsync(ActorSystem system, TailRequest request, ILineSink sink,
        CancellationToken cancellationToken = default)
    {
        Validate(request);

        // The last line the sequencer reported written: the result's bookmark, should the run end by a crash or the system end under it.
        Bookmarks.Bookmark? lastWritten = request.Bookmark;
        var moved = request.BookmarkMoved;
        request = request with { BookmarkMoved = b => { Volatile.Write(ref lastWritten, b); moved?.Invoke(b); } };
        // Made at first use: objects without a cache entry to go to (no cache, or gzip read from a local folder).
        using var spool = new SpoolFolder(request.SpoolParent);
        var fetcher = new ObjectFetcher(request.Source, request.Cache, spool, request.Retry, request.Log, request.Progress, request.Decoding);
        using var stopping = new CancellationTokenSource();
        var completion = new TaskCompletionSource<TailResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // Akka's own events (a crash its supervisor reports) go to the run's log, never to stdout.
        using var akkaLog = Logging.AkkaLog.Forward(system, request.Log);
        // Workers plug into the dispatcher's protocol: the pipeline sees them only as remote fetchers.
        var settings = new PipelineSettings(request, fetcher, stopping)
        {
            Workers = request.Workers is { } workers ? WorkerFetchers.For(workers) : null,
        };
        var coordinator = system.ActorOf(RunCoordinatorActor.Props(settings, sink, completion), $"run-{Guid.NewGuid():N}");
        await using var registration = cancellationToken.Register(() => coordinator.Tell(new StopRun("cancelled")));
        try
        {
            // The system can end under the run (a host program terminating it): end the run, never hang.
            // A run spread over workers keeps Akka.Remote on a node of its own, which may end alone.
            await Task.WhenAny(completion.Task, system.WhenTerminated).ConfigureAwait(false);
            if (completion.Task.IsCompletedSuccessfully) return completion.Task.Result;
            // Once the run has begun it ends with a result, never an exception: the result names
            // the last line the sequencer reported written, so a caller resumes exactly after a
            // crash too, without tracking the bookmark itself.
            var reason = completion.Task.IsFaulted ? completion.Task.Exception!.GetBaseException()
                : S3TailException.Runtime($"The run's actor system stopped ({CoordinatedShutdown.Get(system).ShutdownReason?.ToString() ?? "no reason given"}).");
            return new TailResult(Volatile.Read(ref lastWritten), StopReason.Failed, reason,
                new RunStatistics(0, 0, 0, fetcher.Downloads, fetcher.CacheHits, []));
        }
        finally
        {
            // Downloads still running were cancelled when the run ended; let them clean up.
            stopping.Cancel();
            await Task.WhenAny(fetcher.WhenIdle(), Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        }
    }
}
