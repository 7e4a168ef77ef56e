using Akka.Actor;

namespace S3Tail.Pipeline;

/// <summary>
/// One of this machine's downloaders, a child of the run's <see cref="DispatcherActor"/>, which
/// it pulls from exactly as a worker's agent does: it asks for one object (<see cref="WantWork"/>)
/// each time it is free, fetches it — filtering its lines when the run has a filter — and tells
/// the dispatcher the outcome, which passes it on to the sequencer. The fetch runs as a task
/// piped back to the actor, so the mailbox never blocks. A failure is a message, never a crash:
/// one bad object does not disturb its siblings. A throttled request is told to the dispatcher at
/// once (<see cref="FetchThrottled"/>), from the download's thread, so auto prefetch backs off.
/// </summary>
/// <remarks>
/// Should a downloader crash or be stopped all the same, the dispatcher, which watches it, puts
/// the object it held back to be given out again and starts another; the dead one's fetch still
/// ends, but its outcome goes nowhere.
/// </remarks>
internal sealed class DownloaderActor : ReceiveActor
{
    private readonly ObjectFetcher _fetcher;
    private readonly CancellationToken _stopping;
    private readonly Filtering.LineFilter? _filter;
    private readonly IActorRef _dispatcher = Context.Parent;

    public DownloaderActor(PipelineSettings settings)
    {
        _fetcher = settings.Fetcher;
        _filter = settings.Request.Filter;
        _stopping = settings.Stopping.Token;
        Receive<FetchObject>(Start);
        Receive<Done>(done =>
        {
            _dispatcher.Tell(done.Outcome);
            _dispatcher.Tell(new WantWork(1));
        });
    }

    /// <summary>A downloader of the run; the dispatcher makes as many as its window can ever hold.</summary>
    public static Props Props(PipelineSettings settings) => Akka.Actor.Props.Create(() => new DownloaderActor(settings));

    protected override void PreStart() => _dispatcher.Tell(new WantWork(1));

    private void Start(FetchObject fetch)
    {
        var dispatcher = _dispatcher;
        void Throttled() => dispatcher.Tell(FetchThrottled.Instance);
        // With --grep the filter runs here, right after decoding: one object per downloader, in parallel.
        var fetched = _filter is null
            ? _fetcher.FetchAsync(fetch.Object, bypassCache: false, _stopping, Throttled)
            : _fetcher.FetchFilteredAsync(fetch.Object, fetch.Placement.SkipLines, _filter, _stopping, Throttled);
        fetched.PipeTo(Self,
            success: content => new Done(new ObjectFetched(fetch.Seq, fetch.Object, content, fetch.Placement)),
            failure: e => new Done(new FetchFailed(fetch.Seq, fetch.Object, ListerActor.Unwrap(e), fetch.Placement)));
    }

    private sealed record Done(object Outcome);
}
