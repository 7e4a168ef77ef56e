using System.Security.Cryptography.X509Certificates;
using S3Tail.Storage;

namespace S3Tail.Workers;

/// <summary>
/// The workers a run is spread over (host:port each), the secret's certificate that lets the run
/// in (<see cref="Identity"/>, checked against each worker's before it is dialed), and the bucket
/// as they must open it. Settings only: at the start of a run the engine turns them into what
/// reaches the workers (the run's own cluster node, and the pipeline's remote fetchers).
/// </summary>
public sealed class WorkerSet
{
    internal WorkerSet(IReadOnlyList<string> addresses, X509Certificate2 identity, string bucket, S3Settings s3)
    {
        Addresses = addresses;
        Identity = identity;
        Bucket = bucket;
        S3 = s3;
    }

    /// <summary>The workers, host:port each.</summary>
    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The secret's certificate (<see cref="ClusterIdentity"/>), which the run's node presents and expects.</summary>
    internal X509Certificate2 Identity { get; }

    /// <summary>The bucket the workers read, and how (never with this machine's credentials: a worker uses its own).</summary>
    internal string Bucket { get; }

    internal S3Settings S3 { get; }

    /// <summary>
    /// The workers at <paramref name="addresses"/> (host:port each) sharing <paramref name="secret"/>,
    /// reading <paramref name="bucket"/> as <paramref name="s3"/> says. Making the secret's
    /// certificate is slow on purpose (a key derivation): start it beside other work.
    /// </summary>
    public static WorkerSet For(IReadOnlyList<string> addresses, string secret, string bucket, S3Settings s3) =>
        For(addresses, ClusterIdentity.Certificate(secret), bucket, s3);

    /// <summary>As <see cref="For(IReadOnlyList{string}, string, string, S3Settings)"/>, with the secret's certificate made by the caller.</summary>
    internal static WorkerSet For(IReadOnlyList<string> addresses, X509Certificate2 identity, string bucket, S3Settings s3) =>
        new(addresses, identity, bucket, s3);
}
