using Akka.Actor;
using S3Tail.Logging;

namespace S3Tail.Pipeline;

/// <summary>
/// Builds one run's pipeline — writer, sequencer, downloader pool, lister — and ends it: a stop
/// from outside goes to the sequencer, which drains the writer and reports the result; the
/// coordinator asks the lister for what it alone knows (the time window's counts, the follow's
/// state) and completes the run's task with both. A crash of the lister, sequencer or writer is a
/// bug; it fails the run instead of hanging it. A crashed downloader is restarted alone.
/// </summary>
public sealed class RunCoordinatorActor : ReceiveActor
{
    private readonly TailRequest _request;
    private readonly ILineSink _sink;
    private readonly ObjectFetcher _fetcher;
    private readonly CancellationTokenSource _stopping;
    private readonly TaskCompletionSource<TailResult> _completion;
    private IActorRef _sequencer = ActorRefs.Nobody;
    private IActorRef? _lister;               // null once it stopped
    private TailResult? _finished;            // the sequencer's result, waiting for the lister's report
    private IActorRef _dispatcher = ActorRefs.Nobody;
    private ActorSystem? _node;
    private bool _ending;

    public RunCoordinatorActor(TailRequest request, ILineSink sink, ObjectFetcher fetcher,
        CancellationTokenSource stopping, TaskCompletionSource<TailResult> completion)
    {
        _request = request;
        _sink = sink;
        _fetcher = fetcher;
        _stopping = stopping;
        _completion = completion;

        Receive<StopRun>(m => _sequencer.Forward(m));
        Receive<OutputGone>(m => _sequencer.Forward(m));
        Receive<FailRun>(m => _sequencer.Forward(m));
        Receive<NodeEnded>(m =>
        {
            if (_ending || m.Node != _node || _request.Workers is not { } workers) return;
            _request.Log.Warn($"the run's cluster node stopped ({m.Reason}); going on with this machine's downloaders and asking the workers again");
            _dispatcher.Tell(new Workers.AllWorkersLost());
            StartNode(workers);
        });
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
            Downloads = _fetcher.Downloads, CacheHits = _fetcher.CacheHits, PrefetchWindow = _fetcher.Prefetch.Limit,
            OutsideWindow = window?.OutsideWindow ?? 0, WithoutTime = window?.WithoutTime ?? 0,
            ExampleWithoutTime = window?.ExampleWithoutTime,
            FetchedBy = _request.Workers?.Tally.Counts(),
        };
        _completion.TrySetResult(result with { Statistics = stats, Follow = listing?.Follow });
        Context.Stop(Self);
    }

    public static Props Props(TailRequest request, ILineSink sink, ObjectFetcher fetcher,
        CancellationTokenSource stopping, TaskCompletionSource<TailResult> completion) =>
        Akka.Actor.Props.Create(() => new RunCoordinatorActor(request, sink, fetcher, stopping, completion));

    protected override void PreStart()
    {
        var settings = new PipelineSettings(_request, _fetcher, _stopping);
        var writer = Context.ActorOf(WriterActor.Props(_sink, _stopping.Token, watchOutput: _request.Follow is not null, _request.MaxLines), "stdout-writer");
        _sequencer = Context.ActorOf(SequencerActor.Props(settings, writer), "sequencer");
        IActorRef keysTo;
        if (_request.Workers is { } workers)
        {
            // Spread over workers: the dispatcher takes the keys and gives them to whoever pulls.
            // This process's downloaders (reporting through it) take what no worker has asked for,
            // up to the whole window: small objects are done fastest where they are listed, and a
            // worker that asks is served first.
            var dispatcher = Context.ActorOf(Workers.WorkDispatcherActor.Props(_sequencer, workers.Source, _request.Filter?.Spec,
                settings.Prefetch.Ceiling, _fetcher.Spool, _request.Log, workers.Tally), "dispatcher");
            dispatcher.Tell(new Workers.AttachLocalPool(Downloaders(settings, reportTo: dispatcher)));
            _dispatcher = dispatcher;
            StartNode(workers);
            keysTo = dispatcher;
        }
        else
        {
            keysTo = Downloaders(settings, reportTo: _sequencer);
        }
        var lister = Context.ActorOf(ListerActor.Props(settings, keysTo, _sequencer), "key-lister");
        _lister = Context.Watch(lister);
        _sequencer.Tell(new AttachLister(lister));
    }

    /// <summary>This process's pool of downloaders, as many as the prefetch window can hold.</summary>
    private IActorRef Downloaders(PipelineSettings settings, IActorRef reportTo) =>
        Context.ActorOf(DownloaderActor.PoolProps(settings, reportTo, settings.Prefetch.Ceiling), "downloaders");

    /// <summary>Makes the run's cluster node and its gateway to the workers; tells this actor when the node ends.</summary>
    private void StartNode(Workers.WorkerSet workers)
    {
        ActorSystem node;
        try
        {
            node = workers.MakeNode();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No node, no worker can be reached: the run goes on alone rather than wait for a recruiter that never comes.
            _request.Log.Warn($"cannot start the run's cluster node ({e.GetBaseException().Message.TrimEnd('.')}); " +
                              "going on with this machine's downloaders alone");
            _dispatcher.Tell(new Workers.WorkersChecked());
            return;
        }
        _node = node;
        AkkaLog.Forward(node, _request.Log);   // ends with the node
        // On purpose in the other system: the gateway must live on the cluster node, which may end apart from this one.
#pragma warning disable AK1008
        node.ActorOf(Workers.WorkerRecruiterActor.Props(workers.Addresses, workers.Identity, workers.Source, _request.Prefix, _dispatcher, Self,
            _request.Log), "recruiter");
#pragma warning restore AK1008
        var self = Self;
        node.WhenTerminated.ContinueWith(_ =>
            self.Tell(new NodeEnded(node, CoordinatedShutdown.Get(node).ShutdownReason?.GetType().Name ?? "terminated")), TaskScheduler.Default);
    }

    protected override void PostStop()
    {
        _ending = true;
        _ = _node?.Terminate();
        base.PostStop();
    }

    private sealed record NodeEnded(ActorSystem Node, string Reason);

    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(e =>
        {
            _request.Log.Error($"internal error: {e}");
            _stopping.Cancel();
            _completion.TrySetException(e);
            return Directive.Stop;
        });
}
