using Akka.Actor;
using S3Tail.Contents;

namespace S3Tail.Pipeline;

/// <summary>
/// The dispatcher's handling of what workers send back: an object's chunks put together
/// (<see cref="ObjectAssembly"/>, in memory or a spool file), with the map of its kept lines under
/// --grep, and handed to the sequencer as the object's content once the last chunk is in. An
/// answer counts only from the worker the <see cref="WorkLedger{TWork}"/> says holds the object
/// now; any other is dropped. Owned by one <see cref="DispatcherActor"/>.
/// </summary>
internal sealed class WorkerAnswers(DispatchSettings settings, WorkLedger<FetchObject> ledger, Action<string> fetchedBy) : IDisposable
{
    private readonly Dictionary<long, ObjectAssembly> _assembling = new();
    private readonly Dictionary<long, WorkKept> _kept = new();

    /// <summary>The map of a filtered object's kept lines, which comes before its chunks.</summary>
    public void Kept(string worker, WorkKept kept)
    {
        if (ledger.Holds(worker, kept.Seq, out _)) _kept[kept.Seq] = kept;
    }

    public void Chunk(string worker, WorkChunk chunk)
    {
        if (!ledger.Holds(worker, chunk.Seq, out var fetch)) return;   // not this worker's (any more)
        if (!_assembling.TryGetValue(chunk.Seq, out var assembly))
            _assembling[chunk.Seq] = assembly = new ObjectAssembly(fetch.Object,
                settings.Spool ?? throw new InvalidOperationException("a run spread over workers needs a spool folder"));
        assembly.Add(chunk.Bytes);
        if (!chunk.Last) return;
        _assembling.Remove(chunk.Seq);
        ledger.Complete(worker, chunk.Seq);
        var content = assembly.Finish();
        if (_kept.Remove(chunk.Seq, out var kept))
            content = new FilteredContent(content, Decoding.LineMap.FromRuns(kept.MapRuns), kept.ExaminedThrough);
        else if (settings.Filter is not null)
        {
            content.Release();
            settings.Sequencer.Tell(new FetchFailed(chunk.Seq, fetch.Object,
                S3TailException.Runtime($"worker {worker} sent '{fetch.Object.Key}' unfiltered (a worker of another version?)"), fetch.Placement));
            return;
        }
        fetchedBy(ActorPath.TryParse(worker, out var path) ? $"{path.Address.Host}:{path.Address.Port}" : worker);
        settings.Sequencer.Tell(new ObjectFetched(chunk.Seq, fetch.Object, content, fetch.Placement));
    }

    public void Failed(string worker, WorkFailed failed)
    {
        if (!ledger.Complete(worker, failed.Seq, out var fetch)) return;   // a late answer from a worker given up for lost
        Abandon(failed.Seq);
        settings.Sequencer.Tell(new FetchFailed(failed.Seq, fetch.Object, S3TailException.Runtime(failed.Message), fetch.Placement));
    }

    /// <summary>Drops what arrived of object <paramref name="seq"/> from a worker.</summary>
    public void Abandon(long seq)
    {
        if (_assembling.Remove(seq, out var assembly)) assembly.Dispose();
        _kept.Remove(seq);
    }

    public void Dispose()
    {
        foreach (var assembly in _assembling.Values) assembly.Dispose();
        _assembling.Clear();
    }
}
