using Akka.Actor;

namespace S3Tail.Pipeline;

// The dispatcher's protocol: how whoever fetches — this machine's downloaders and workers' agents
// alike — pulls objects from it and answers. The messages that cross machines are bound to
// Workers.ProtocolSerializer through IWorkerProtocol; their manifests there must not change.

/// <summary>A message that may cross machines, in <c>Workers.ProtocolSerializer</c>'s form.</summary>
internal interface IWorkerProtocol;

/// <summary>What a worker's agent sends the run's dispatcher (through the gateway on the run's cluster node).</summary>
internal interface IFromWorker : IWorkerProtocol;

/// <summary>
/// A downloader or a worker's agent → the dispatcher: it can take this many more objects. A
/// downloader asks for one each time it is free; an agent asks for its slots, then one a slot.
/// </summary>
internal sealed record WantWork(int Count) : IFromWorker;

/// <summary>
/// A worker → the run's dispatcher, before the chunks of a filtered object: which source line
/// each kept line was (<see cref="Decoding.LineMap.ToRuns"/>) and the last line examined.
/// </summary>
internal sealed record WorkKept(long Seq, long[] MapRuns, long ExaminedThrough) : IFromWorker;

/// <summary>A worker → the run's dispatcher: the next part of object <c>Seq</c>'s decoded bytes (kept lines, filtered); <c>Last</c> ends it.</summary>
internal sealed record WorkChunk(long Seq, int Index, byte[] Bytes, bool Last) : IFromWorker;

/// <summary>A worker → the run's dispatcher: object <c>Seq</c> could not be fetched (after the worker's own retries).</summary>
internal sealed record WorkFailed(long Seq, string Message) : IFromWorker;

/// <summary>
/// The run's dispatcher → a worker: a chunk of object <c>Seq</c> arrived. A worker keeps at most
/// a few chunks of an object unacknowledged, so a slow link holds back the worker instead of
/// filling both nodes' memory.
/// </summary>
internal sealed record ChunkAck(long Seq) : IWorkerProtocol;

/// <summary>
/// The workers' gateway → dispatcher: every --workers address has been looked at and no worker
/// refused the run; objects may be given out from now on (to workers and to this machine's downloaders).
/// </summary>
internal sealed record WorkersChecked;

/// <summary>The workers' gateway → dispatcher: the run's cluster node stopped; every worker is gone with it.</summary>
internal sealed record AllWorkersLost;

/// <summary>The workers' gateway → dispatcher: this worker (its node's address) is unreachable or gone.</summary>
internal sealed record WorkerLost(string Worker);

/// <summary>
/// A downloader → the dispatcher, from the download's own thread: a request was throttled or
/// failed transiently, so the prefetch window backs off (at once, not when the object ends).
/// </summary>
internal sealed record FetchThrottled
{
    public static readonly FetchThrottled Instance = new();
}

/// <summary>Dispatcher → coordinator: the prefetch window is now this wide (for the run's summary).</summary>
internal sealed record PrefetchWindowChanged(int Limit);
