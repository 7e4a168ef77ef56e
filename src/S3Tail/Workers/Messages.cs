using Akka.Actor;
using S3Tail.Storage;

namespace S3Tail.Workers;

// The work-pulling protocol between a run's node and its workers. Immutable records; no
// credentials ever travel: a worker reads S3 with its own.

/// <summary>A message of the worker protocol: these cross machines, in <see cref="ProtocolSerializer"/>'s form.</summary>
public interface IWorkerProtocol;

/// <summary>What a worker's agent sends the run's dispatcher (through the gateway on the run's cluster node).</summary>
public interface IFromWorker : IWorkerProtocol;

/// <summary>Run's node → a worker's door: join the run whose dispatcher this is, and pull work from it.</summary>
public sealed record JoinRun(IActorRef Dispatcher) : IWorkerProtocol;

/// <summary>A worker → the run's dispatcher: it can take this many more objects.</summary>
public sealed record WantWork(int Count) : IFromWorker;

/// <summary>
/// Where an object lives, as a worker needs to know it: names and an address, never secrets; and
/// whether the run pays for a requester-pays bucket (--request-payer), which the worker says too.
/// </summary>
public sealed record SourceSpec(string Bucket, string? Region, string? Profile, string? Endpoint, bool RequesterPays = false)
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
/// filter its lines after the first <c>SkipLines</c> and send back only the kept ones.
/// </summary>
public sealed record Work(long Seq, SourceSpec Source, ObjectInfo Object, long SkipLines = 0, Filtering.GrepSpec? Filter = null) : IWorkerProtocol;

/// <summary>
/// A worker → the run's dispatcher, before the chunks of a filtered object: which source line
/// each kept line was (<see cref="Filtering.LineMap.ToRuns"/>) and the last line examined.
/// </summary>
public sealed record WorkKept(long Seq, long[] MapRuns, long ExaminedThrough) : IFromWorker;

/// <summary>A worker → the run's dispatcher: the next part of object <c>Seq</c>'s decoded bytes (kept lines, filtered); <c>Last</c> ends it.</summary>
public sealed record WorkChunk(long Seq, int Index, byte[] Bytes, bool Last) : IFromWorker;

/// <summary>A worker → the run's dispatcher: object <c>Seq</c> could not be fetched (after the worker's own retries).</summary>
public sealed record WorkFailed(long Seq, string Message) : IFromWorker;

/// <summary>
/// The run's dispatcher → a worker: a chunk of object <c>Seq</c> arrived. A worker keeps at most
/// <see cref="WorkerAgentActor.ChunksInFlight"/> chunks of an object unacknowledged, so a slow
/// link holds back the worker instead of filling both nodes' memory.
/// </summary>
public sealed record ChunkAck(long Seq) : IWorkerProtocol;
