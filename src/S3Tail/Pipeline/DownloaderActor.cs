using Akka.Actor;

namespace S3Tail.Pipeline;

/// <summary>
/// Fetches one object at a time (more arriving meanwhile wait in its stash), filters its lines
/// when the run has a filter, and tells the sequencer the outcome. The fetch runs as a task piped back to the actor, so the mailbox never
/// blocks. A failure is a message to the sequencer, never a crash: one bad object does not
/// disturb its siblings.
/// </summary>
public sealed class DownloaderActor : ReceiveActor, IWithUnboundedStash
{
    private readonly ObjectFetcher _fetcher;
    private readonly IActorRef _sequencer;
    private readonly CancellationToken _stopping;
    private readonly Filtering.LineFilter? _filter;

    public DownloaderActor(PipelineSettings settings, IActorRef sequencer)
    {
        _fetcher = settings.Fetcher;
        _filter = settings.Request.Filter;
        _sequencer = sequencer;
        _stopping = settings.Stopping.Token;
        Idle();
    }

    public IStash Stash { get; set; } = null!;

    public static Props Props(PipelineSettings settings, IActorRef sequencer) =>
        Akka.Actor.Props.Create(() => new DownloaderActor(settings, sequencer));

    private void Idle()
    {
        Receive<FetchObject>(Start);
    }

    private void Busy()
    {
        Receive<FetchObject>(_ => Stash.Stash());
        Receive<Done>(done =>
        {
            _sequencer.Tell(done.Outcome);
            Stash.UnstashAll();
            Become(Idle);
        });
    }

    private void Start(FetchObject fetch)
    {
        // With --grep the filter runs here, right after decoding: one object per downloader, in parallel.
        var fetched = _filter is null
            ? _fetcher.FetchAsync(fetch.Object, bypassCache: false, _stopping)
            : _fetcher.FetchFilteredAsync(fetch.Object, fetch.Placement.SkipLines, _filter, _stopping);
        fetched.PipeTo(Self,
                success: content => new Done(new ObjectFetched(fetch.Seq, fetch.Object, content, fetch.Placement)),
                failure: e => new Done(new FetchFailed(fetch.Seq, fetch.Object, ListerActor.Unwrap(e), fetch.Placement)));
        Become(Busy);
    }

    private sealed record Done(object Outcome);
}
