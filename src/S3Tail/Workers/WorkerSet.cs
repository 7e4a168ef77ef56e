using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using S3Tail.Storage;
using S3Tail.Pipeline;

namespace S3Tail.Workers;

/// <summary>
/// The workers a run is spread over (host:port each), the source as they must open it, and how
/// to make the run's cluster node. That node is apart from the pipeline's own ActorSystem and
/// disposable: Akka.Remote shuts a node down when a TLS handshake it started fails (a worker
/// killed mid-handshake), and then the run goes on and makes another. <see cref="Identity"/> is
/// the secret's certificate, which the run checks each worker presents before dialing it
/// (<see cref="IdentityProbe"/>).
/// To the pipeline it is only <see cref="IRemoteFetchers"/>.
/// </summary>
public sealed class WorkerSet : IRemoteFetchers
{
    internal WorkerSet(IReadOnlyList<string> addresses, SourceSpec source, X509Certificate2 identity, Func<ActorSystem> makeNode)
    {
        Addresses = addresses;
        Source = source;
        Identity = identity;
        MakeNode = makeNode;
    }

    /// <summary>The workers, host:port each.</summary>
    public IReadOnlyList<string> Addresses { get; }

    internal SourceSpec Source { get; }

    internal X509Certificate2 Identity { get; }

    internal Func<ActorSystem> MakeNode { get; }



    /// <summary>
    /// The workers at <paramref name="addresses"/> (host:port each) sharing <paramref name="secret"/>,
    /// reading <paramref name="bucket"/> as <paramref name="s3"/> says. Making the secret's
    /// certificate is slow on purpose (a key derivation): start it beside other work.
    /// </summary>
    public static WorkerSet For(IReadOnlyList<string> addresses, string secret, string bucket, S3Settings s3) =>
        For(addresses, ClusterIdentity.Certificate(secret), bucket, s3);

    /// <summary>As <see cref="For(IReadOnlyList{string}, string, string, S3Settings)"/>, with the secret's certificate made by the caller.</summary>
    internal static WorkerSet For(IReadOnlyList<string> addresses, X509Certificate2 identity, string bucket, S3Settings s3) =>
        new(addresses, SourceSpec.For(bucket, s3), identity, () => RunNode.Start(addresses, identity));

    Props IRemoteFetchers.Gateway(IActorRef dispatcher, IActorRef coordinator, TailRequest request) =>
        WorkerGatewayActor.Props(this, dispatcher, coordinator, request);

    object IRemoteFetchers.WorkFor(FetchObject fetch, Filtering.GrepSpec? filter) =>
        new Work(fetch.Seq, Source, fetch.Object, fetch.Placement.SkipLines, filter);

}
