using Akka.Actor;
using Akka.Routing;

namespace S3Tail.Pipeline;

/// <summary>
/// Fetches one object at a time (more arriving meanwhile wait in its stash), filters its lines
/// when the run has a filter, and tells the sequencer the outcome. The fetch runs as a task piped back to the actor, so the mailbox never
/// blocks. A failure is a message to the sequencer, never a crash: one bad object does not
/// disturb its siblings.
/// </summary>
/// <remarks>
/// Should a downloader crash all the same (a bug), its pool restarts it: the stash survives the
/// restart, and the fetch it had started still ends and pipes its outcome to the fresh instance,
/// which passes it on whatever it is doing; an object whose start crashed is reported failed.
/// Either way the sequencer hears of every object it was promised, so a run never waits forever.
/// </remarks>
public sealed class DownloaderActor : ReceiveActor, IWithUnboundedStash
{
    private readonly ObjectFetcher _fetcher;
    private readonly IActorRef _sequencer;
    private readonly CancellationToken _stopping;
    private readonly Filtering.LineFilter? _filter;
    private long _fetching = -1;

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

    /// <summary>A run's pool of <paramref name="size"/> downloaders; one that crashes is restarted alone.</summary>
    public static Props PoolProps(PipelineSettings settings, IActorRef reportTo, int size) =>
        Props(settings, reportTo)
            .WithRouter(new RoundRobinPool(size).WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Restart)));

    private void Idle()
    {
        Receive<FetchObject>(Start);
        Receive<Done>(Report);   // a fetch started before a restart
    }

    private void Busy()
    {
        Receive<FetchObject>(_ => Stash.Stash());
        Receive<Done>(done =>
        {
            Report(done);
            if (done.Seq != _fetching) return;   // a fetch started before a restart: this one's is still running
            _fetching = -1;
            Stash.UnstashAll();
            Become(Idle);
        });
    }

    private void Report(Done done) => _sequencer.Tell(done.Outcome);

    private void Start(FetchObject fetch)
    {
        // With --grep the filter runs here, right after decoding: one object per downloader, in parallel.
        var fetched = _filter is null
            ? _fetcher.FetchAsync(fetch.Object, bypassCache: false, _stopping)
            : _fetcher.FetchFilteredAsync(fetch.Object, fetch.Placement.SkipLines, _filter, _stopping);
        fetched.PipeTo(Self,
                success: content => new Done(fetch.Seq, new ObjectFetched(fetch.Seq, fetch.Object, content, fetch.Placement)),
                failure: e => new Done(fetch.Seq, new FetchFailed(fetch.Seq, fetch.Object, ListerActor.Unwrap(e), fetch.Placement)));
        _fetching = fetch.Seq;
        Become(Busy);
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // The message that crashed this instance is not delivered again: an object whose start
        // crashed is reported failed (not retried, since the same crash would come back).
        if (message is FetchObject fetch)
            _sequencer.Tell(new FetchFailed(fetch.Seq, fetch.Object,
                S3TailException.Runtime($"internal error while fetching '{fetch.Object.Key}': {reason.Message}"), fetch.Placement));
        else if (message is Done done)
            Report(done);
        base.PreRestart(reason, message);
    }

    private sealed record Done(long Seq, object Outcome);
}
