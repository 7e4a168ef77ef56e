using Akka.Actor;
using S3Tail.Pipeline;
using S3Tail.Storage;

namespace S3Tail.Workers;

// The work-pulling protocol between a run's node and its workers (what a worker sends the
// dispatcher is the dispatcher's own protocol, in Pipeline/DispatchProtocol.cs). Immutable records; no
// credentials ever travel: a worker reads S3 with its own. The protocol's version is
// WorkerProtocol's (Cluster/), beside the secret's identity, which names it too.

/// <summary>
/// Run's node → a worker's door: join the run whose dispatcher (the run's gateway) this is, and
/// pull work from it. <c>Protocol</c> and <c>Software</c> say what the run speaks; <c>Source</c>
/// and <c>Prefix</c> what it reads, so a worker bounded by <c>--allow</c> can refuse it before
/// any object is given out. On the wire the protocol, the software version and the dispatcher
/// come first, in a form every version keeps, so a worker of another version can still answer.
/// </summary>
internal sealed record JoinRun(IActorRef Dispatcher, int Protocol, string Software, SourceSpec? Source, string Prefix) : IWorkerProtocol
{
    /// <summary>A join for a run of this version reading <paramref name="prefix"/> of <paramref name="source"/>.</summary>
    public static JoinRun For(IActorRef dispatcher, SourceSpec source, string prefix) =>
        new(dispatcher, WorkerProtocol.Version, WorkerProtocol.Software, source, prefix);
}

/// <summary>How a worker took a <see cref="JoinRun"/>.</summary>
internal enum JoinOutcome : byte
{
    /// <summary>It joins the run.</summary>
    Accepted = 0,

    /// <summary>It serves another run; it may be free later.</summary>
    Busy = 1,

    /// <summary>It will not serve this run: another protocol version, or what the run reads is not allowed (<c>--allow</c>).</summary>
    Refused = 2,
}

/// <summary>
/// A worker's door → the run's gateway, in answer to <see cref="JoinRun"/>: what it does with the
/// run, and why when it refuses. Its wire form is kept by every version, like JoinRun's first fields.
/// </summary>
internal sealed record JoinAnswer(int Protocol, string Software, JoinOutcome Outcome, string Reason) : IWorkerProtocol;

/// <summary>
/// Where an object lives, as a worker needs to know it: names and an address, never secrets; and
/// whether the run pays for a requester-pays bucket (--request-payer), which the worker says too.
/// </summary>
internal sealed record SourceSpec(string Bucket, string? Region, string? Profile, string? Endpoint, bool RequesterPays = false)
{
    /// <summary>
    /// The spec of a bucket read with <paramref name="s3"/>. The region is the run's, from the
    /// environment and the profile too (<see cref="S3Settings.ResolveRegion"/>: a bucket has one
    /// region, whatever machine reads it); any
    /// <c>user:password@</c> in the endpoint stays here.
    /// </summary>
    public static SourceSpec For(string bucket, S3Settings s3, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return new(bucket, s3.ResolveRegion(environment), s3.Profile, S3Settings.WithoutUserInfo(s3.EffectiveEndpoint), s3.RequesterPays);
    }
}

/// <summary>
/// The run's dispatcher → a worker: fetch and decode this object; with <c>Filter</c> (--grep),
/// filter its lines after the first <c>SkipLines</c> and send back only the kept ones. Objects are
/// cut into lines as <c>Decoding</c> says (null: the default), so a worker writes what the run's node would.
/// </summary>
internal sealed record Work(long Seq, SourceSpec Source, ObjectInfo Object, long SkipLines = 0, Filtering.GrepSpec? Filter = null,
    Decoding.DecodeOptions? Decoding = null) : IWorkerProtocol;
