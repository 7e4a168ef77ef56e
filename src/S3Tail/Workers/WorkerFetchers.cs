using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using S3Tail.Filtering;
using S3Tail.Pipeline;

namespace S3Tail.Workers;

/// <summary>
/// A run's <see cref="WorkerSet"/> as the pipeline sees it (<see cref="IRemoteFetchers"/>),
/// made by the engine when the run starts: the source as the workers must open it, and how to
/// make the run's cluster node. That node is apart from the pipeline's own ActorSystem and
/// disposable: Akka.Remote shuts a node down when a TLS handshake it started fails (a worker
/// killed mid-handshake), and then the run goes on and makes another (<see cref="WorkerGatewayActor"/>).
/// <see cref="Identity"/> is the secret's certificate, which the run checks each worker presents
/// before dialing it (<see cref="IdentityProbe"/>).
/// </summary>
internal sealed class WorkerFetchers(IReadOnlyList<string> addresses, SourceSpec source, X509Certificate2 identity, Func<ActorSystem> makeNode)
    : IRemoteFetchers
{
    /// <summary>The workers, host:port each.</summary>
    public IReadOnlyList<string> Addresses { get; } = addresses;

    public SourceSpec Source { get; } = source;

    public X509Certificate2 Identity { get; } = identity;

    /// <summary>Makes the run's cluster node (again, after one ended under the run).</summary>
    public Func<ActorSystem> MakeNode { get; } = makeNode;

    /// <summary>The fetchers of <paramref name="workers"/>: their source resolved now (the run's region), their node made by the gateway.</summary>
    public static WorkerFetchers For(WorkerSet workers) =>
        new(workers.Addresses, SourceSpec.For(workers.Bucket, workers.S3), workers.Identity,
            () => RunNode.Start(workers.Addresses, workers.Identity));

    public Props Gateway(IActorRef dispatcher, IActorRef coordinator, TailRequest request) =>
        WorkerGatewayActor.Props(this, dispatcher, coordinator, request);

    public object WorkFor(FetchObject fetch, GrepSpec? filter, Decoding.DecodeOptions decoding) =>
        new Work(fetch.Seq, Source, fetch.Object, fetch.Placement.SkipLines, filter, decoding);
}
