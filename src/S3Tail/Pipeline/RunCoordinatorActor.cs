using Akka.Actor;
using S3Tail.Logging;

namespace S3Tail.Pipeline;

/// <summary>
/// Builds one run's pipeline — writer, sequencer, dispatcher (with this machine's downloaders),
/// lister, and the workers' gateway when the run is spread over workers — and ends it: a stop
/// from outside goes to the sequencer, which drains the writer and reports the result; the
/// coordinator asks the lister for what it alone knows (the time window's counts, the follow's
/// state) and completes the run's task with both. A crash of the lister, sequencer, dispatcher,
/// writer or gateway is a bug; it fails the run instead of hanging it. A crashed downloader is
/// the dispatcher's to replace.
/// </summary>
internal sealed class RunCoordinatorActor : ReceiveActor
{
    private readonly PipelineSettings _settings;
    private readonly TailRequest _request;
    private readonly ILineSink _sink;
    private readonly ObjectFetcher _fetcher;
    private readonly CancellationTokenSource _stopping;
    private readonly TaskCompletionSource<TailResult> _completion;
    private IActorRef _sequencer = ActorRefs.Nobody;
    private IActorRef? _lister;               // null once it stopped
    private TailResult? _finished;            // the sequencer's result, waiting for the lister's report
    private int _prefetchWindow;
    private IReadOnlyList<(string Who, long Objects)>? _fetchedBy;   // with workers: the dispatcher's latest count

    public RunCoordinatorActor(PipelineSettings settings, ILineSink sink, TaskCompletionSource<TailResult> completion)
    {
        _settings = settings;
        _request = settings.Request;
        _sink = sink;
        _fetcher = settings.Fetcher;
        _stopping = settings.Stopping;
        _completion = completion;

        Receive<StopRun>(m => _sequencer.Forward(m));
        Receive<WriterStop>(m => _sequencer.Forward(m));   // the reader went away while nothing was written
        Receive<FailRun>(m => _sequencer.Forward(m));
        Receive<PrefetchWindowChanged>(m => _prefetchWindow = m.Limit);
        Receive<FetchTally>(m => _fetchedBy = m.Counts);
        Receive<RunFinished>(m =>
        {
            // The sequencer told the lister of every end before this: its report includes them.
            _finished = m.Result;
            if (_lister is null) Complete(null);
            else _lister.Tell(ReportListing.Instance);
        });
        Receive<ListingReport>(Complete);
        Receive<Terminated>(m =>
        {
            if (m.ActorRef != _lister) return;
            _lister = null;
            if (_finished is not null) Complete(null);
        });
    }

    private void Complete(ListingReport? listing)
    {
        var result = _finished!;
        var window = listing?.Window;
        var stats = result.Statistics with
        {
            Downloads = _fetcher.Downloads, CacheHits = _fetcher.CacheHits, PrefetchWindow = _prefetchWindow,
            OutsideWindow = window?.OutsideWindow ?? 0, WithoutTime = window?.WithoutTime ?? 0,
            ExampleWithoutTime = window?.ExampleWithoutTime,
            FetchedBy = _settings.Workers is { } workers ? _fetchedBy ?? new WorkTally(workers.Addresses).Counts() : null,
        };
        _completion.TrySetResult(result with { Statistics = stats, Follow = listing?.Follow });
        Context.Stop(Self);
    }

    public static Props Props(PipelineSettings settings, ILineSink sink, TaskCompletionSource<TailResult> completion) =>
        Akka.Actor.Props.Create(() => new RunCoordinatorActor(settings, sink, completion));

    protected override void PreStart()
    {
        var writer = Context.ActorOf(WriterActor.Props(_sink, _stopping.Token, watchOutput: _request.Follow is not null, _request.MaxLines), "stdout-writer");
        _sequencer = Context.ActorOf(SequencerActor.Props(_settings, writer), "sequencer");
        // The prefetch window is the dispatcher's alone: it decides how many objects are out at once.
        var prefetch = PrefetchController.For(_request.Prefetch);
        _prefetchWindow = prefetch.Limit;
        var dispatcher = Context.ActorOf(DispatcherActor.Props(new DispatchSettings(_sequencer, prefetch, _request.Log)
        {
            Downloader = DownloaderActor.Props(_settings),
            Workers = _settings.Workers,
            Filter = _request.Filter?.Spec,
            Decoding = _request.Decoding,
            Spool = _settings.Workers is null ? null : _fetcher.Spool,
            Stopping = _stopping.Token,
            TallyTo = Self,
        }), "dispatcher");
        // Workers plug in through the dispatcher's protocol; their gateway is theirs to build.
        if (_settings.Workers is { } workers) Context.ActorOf(workers.Gateway(dispatcher, Self, _request), "workers");
        var lister = Context.ActorOf(ListerActor.Props(_settings, dispatcher, _sequencer), "key-lister");
        // Credit runs sequencer → dispatcher (which narrows or widens the window) → lister.
        _lister = Context.Watch(lister);
        dispatcher.Tell(new AttachLister(lister));
        _sequencer.Tell(new AttachLister(lister, CreditTo: dispatcher));
    }

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(e =>
        {
            _request.Log.Error($"internal error: {e}");
            _stopping.Cancel();
            _completion.TrySetException(e);
            return Directive.Stop;
        });
}
