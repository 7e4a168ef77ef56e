using Akka.Actor;
using S3Tail.Logging;
using S3Tail.Windowing;

namespace S3Tail.Pipeline;

/// <summary>
/// Builds one run's pipeline — writer, sequencer, dispatcher (with this machine's downloaders),
/// lister, and the workers' gateway when the run is spread over workers — and ends it: a stop
/// from outside goes to the sequencer, which drains the writer and reports the result; the
/// coordinator completes the run's task with it. A crash of the lister, sequencer, dispatcher,
/// writer or gateway is a bug; it fails the run instead of hanging it. A crashed downloader is
/// the dispatcher's to replace.
/// </summary>
public sealed class RunCoordinatorActor : ReceiveActor
{
    private readonly TailRequest _request;
    private readonly ILineSink _sink;
    private readonly ObjectFetcher _fetcher;
    private readonly CancellationTokenSource _stopping;
    private readonly TaskCompletionSource<TailResult> _completion;
    private readonly WindowScan? _window;
    private IActorRef _sequencer = ActorRefs.Nobody;
    private int _prefetchWindow;

    public RunCoordinatorActor(TailRequest request, ILineSink sink, ObjectFetcher fetcher,
        CancellationTokenSource stopping, TaskCompletionSource<TailResult> completion)
    {
        _request = request;
        _sink = sink;
        _fetcher = fetcher;
        _stopping = stopping;
        _completion = completion;
        _window = request.Window is { } w ? new WindowScan(w) : null;

        Receive<StopRun>(m => _sequencer.Forward(m));
        Receive<OutputGone>(m => _sequencer.Forward(m));
        Receive<FailRun>(m => _sequencer.Forward(m));
        Receive<PrefetchWindowChanged>(m => _prefetchWindow = m.Limit);
        Receive<RunFinished>(m =>
        {
            var stats = m.Result.Statistics with
            {
                Downloads = _fetcher.Downloads, CacheHits = _fetcher.CacheHits, PrefetchWindow = _prefetchWindow,
                OutsideWindow = _window?.OutsideWindow ?? 0, WithoutTime = _window?.WithoutTime ?? 0,
                ExampleWithoutTime = _window?.ExampleWithoutTime,
                FetchedBy = _request.Workers?.Tally.Counts(),
            };
            _completion.TrySetResult(m.Result with { Statistics = stats });
            Context.Stop(Self);
        });
    }

    public static Props Props(TailRequest request, ILineSink sink, ObjectFetcher fetcher,
        CancellationTokenSource stopping, TaskCompletionSource<TailResult> completion) =>
        Akka.Actor.Props.Create(() => new RunCoordinatorActor(request, sink, fetcher, stopping, completion));

    protected override void PreStart()
    {
        var settings = new PipelineSettings(_request, _fetcher, _stopping) { Window = _window };
        var writer = Context.ActorOf(WriterActor.Props(_sink, _stopping.Token, watchOutput: _request.Follow is not null, _request.MaxLines), "stdout-writer");
        _sequencer = Context.ActorOf(SequencerActor.Props(settings, writer), "sequencer");
        // The prefetch window is the dispatcher's alone: it decides how many objects are out at once.
        var prefetch = PrefetchController.For(_request.Prefetch);
        _prefetchWindow = prefetch.Limit;
        var dispatcher = Context.ActorOf(DispatcherActor.Props(new DispatchSettings(_sequencer, prefetch, _request.Log)
        {
            Downloader = DownloaderActor.Props(settings),
            Workers = _request.Workers,
            Filter = _request.Filter?.Spec,
            Spool = _request.Workers is null ? null : _fetcher.Spool,
            Stopping = _stopping.Token,
        }), "dispatcher");
        // Workers plug in through the dispatcher's protocol; their gateway is theirs to build.
        if (_request.Workers is { } workers) Context.ActorOf(workers.Gateway(dispatcher, Self, _request), "workers");
        var lister = Context.ActorOf(ListerActor.Props(settings, dispatcher, _sequencer), "key-lister");
        // Credit runs sequencer → dispatcher (which narrows or widens the window) → lister.
        dispatcher.Tell(new AttachLister(lister));
        _sequencer.Tell(new AttachLister(dispatcher));
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
