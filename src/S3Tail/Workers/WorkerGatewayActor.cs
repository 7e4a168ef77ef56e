using Akka.Actor;
using S3Tail.Logging;
using S3Tail.Pipeline;

namespace S3Tail.Workers;

/// <summary>
/// A run's way to its workers, in the pipeline's own system (a child of the run's coordinator):
/// it makes the run's cluster node and the <see cref="WorkerRecruiterActor"/> on it, which talks
/// to the workers and to the run's dispatcher. When the node ends under the run (Akka.Remote
/// stops a node whose TLS handshake failed), every worker is lost with it: the dispatcher is told
/// and a new node is made. The node ends with the run.
/// </summary>
internal sealed class WorkerGatewayActor : ReceiveActor
{
    private readonly WorkerFetchers _workers;
    private readonly IActorRef _dispatcher;
    private readonly IActorRef _coordinator;
    private readonly TailRequest _request;
    private ActorSystem? _node;

    public WorkerGatewayActor(WorkerFetchers workers, IActorRef dispatcher, IActorRef coordinator, TailRequest request)
    {
        _workers = workers;
        _dispatcher = dispatcher;
        _coordinator = coordinator;
        _request = request;
        Receive<NodeEnded>(m =>
        {
            if (m.Node != _node) return;
            _request.Log.Warn($"the run's cluster node stopped ({m.Reason}); going on with this machine's downloaders and asking the workers again");
            _dispatcher.Tell(new AllWorkersLost());
            StartNode();
        });
    }

    public static Props Props(WorkerFetchers workers, IActorRef dispatcher, IActorRef coordinator, TailRequest request) =>
        Akka.Actor.Props.Create(() => new WorkerGatewayActor(workers, dispatcher, coordinator, request));

    protected override void PreStart() => StartNode();

    /// <summary>Makes the run's cluster node and its recruiter; this actor hears when the node ends.</summary>
    private void StartNode()
    {
        ActorSystem node;
        try
        {
            node = _workers.MakeNode();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // No node, no worker can be reached: the run goes on alone rather than wait for a recruiter that never comes.
            _request.Log.Warn($"cannot start the run's cluster node ({e.GetBaseException().Message.TrimEnd('.')}); " +
                              "going on with this machine's downloaders alone");
            _dispatcher.Tell(new WorkersChecked());
            return;
        }
        _node = node;
        AkkaLog.Forward(node, _request.Log);   // ends with the node
        // On purpose in the other system: the recruiter must live on the cluster node, which may end apart from this one.
#pragma warning disable AK1008
        node.ActorOf(WorkerRecruiterActor.Props(_workers.Addresses, _workers.Identity, _workers.Source, _request.Prefix, _dispatcher,
            _coordinator, _request.Log), "recruiter");
#pragma warning restore AK1008
        var self = Self;
        node.WhenTerminated.ContinueWith(_ =>
            self.Tell(new NodeEnded(node, CoordinatedShutdown.Get(node).ShutdownReason?.GetType().Name ?? "terminated")), TaskScheduler.Default);
    }

    protected override void PostStop()
    {
        var node = _node;
        _node = null;
        _ = node?.Terminate();
        base.PostStop();
    }

    private sealed record NodeEnded(ActorSystem Node, string Reason);
}
