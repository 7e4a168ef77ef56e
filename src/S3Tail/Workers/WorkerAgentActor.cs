using Akka.Actor;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Workers;

/// <summary>
/// A worker's side of the protocol: it asks the run's dispatcher for as many objects as it has
/// slots, fetches each through its own <see cref="ObjectFetcher"/> (its own credentials, its own
/// cache), sends the decoded bytes back in chunks — under --grep only the kept lines, after where
/// each came from — and asks for one more each time a slot frees.
/// One fetch per slot at a time, on tasks piped back to the actor, so its mailbox never blocks.
/// </summary>
internal sealed class WorkerAgentActor : ReceiveActor
{
    /// <summary>Decoded bytes travel in pieces of this size (well under the transport's frame).</summary>
    public const int ChunkBytes = 1024 * 1024;

    /// <summary>Chunks of one object sent and not yet acknowledged, at most.</summary>
    public const int ChunksInFlight = 4;

    private readonly IActorRef _dispatcher;
    private readonly Func<SourceSpec, IObjectSource> _open;
    private readonly ObjectCache? _cache;
    private readonly SpoolFolder _spool;
    private readonly ILog _log;
    private readonly Dictionary<SourceSpec, IObjectSource> _sources = new();
    private readonly Dictionary<(SourceSpec, Decoding.DecodeOptions), ObjectFetcher> _fetchers = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<Filtering.GrepSpec, Filtering.LineFilter> _filters = new();
    private readonly Dictionary<long, SemaphoreSlim> _credit = new();

    private readonly WorkerScope _scope;

    public WorkerAgentActor(IActorRef dispatcher, int slots, Func<SourceSpec, IObjectSource> open, ObjectCache? cache, SpoolFolder spool, ILog log,
        WorkerScope scope)
    {
        _scope = scope;
        _dispatcher = dispatcher;
        _open = open;
        _cache = cache;
        _spool = spool;
        _log = log;
        Receive<Work>(Start);
        Receive<ChunkAck>(m =>
        {
            if (_credit.TryGetValue(m.Seq, out var credit)) credit.Release();
        });
        Receive<Finished>(m =>
        {
            if (_credit.Remove(m.Seq, out var credit)) credit.Dispose();
            _dispatcher.Tell(new WantWork(1));
        });
        _dispatcher.Tell(new WantWork(slots));
    }

    public static Props Props(IActorRef dispatcher, int slots, Func<SourceSpec, IObjectSource> open, ObjectCache? cache, SpoolFolder spool, ILog log,
        WorkerScope? scope = null)
    {
        scope ??= WorkerScope.Default;
        return Akka.Actor.Props.Create(() => new WorkerAgentActor(dispatcher, slots, open, cache, spool, log, scope));
    }

    private static string Where(Address node) => node.Host is { } host ? $"{host}:{node.Port}" : "this process";

    private void Start(Work work)
    {
        // The run was let in for its prefix; whoever holds the secret can still send any work.
        if (_scope.RefusalOf(work.Source, work.Object.Key) is { } refusal)
        {
            _log.Warn($"refused '{work.Object.Key}' of the run at {_dispatcher.Path.Address}: {refusal}");
            _dispatcher.Tell(new WorkFailed(work.Seq, $"the worker at {Where(NodeConfig.AddressOf(Context.System))} refused '{work.Object.Key}': {refusal}"));
            Self.Tell(new Finished(work.Seq));
            return;
        }
        if (!_sources.TryGetValue(work.Source, out var source)) _sources[work.Source] = source = _open(work.Source);
        // One fetcher for each way of decoding: the run says how (its --format), so this worker writes what the run's node would.
        var decoding = work.Decoding ?? Decoding.DecodeOptions.Default;
        if (!_fetchers.TryGetValue((work.Source, decoding), out var fetcher))
            _fetchers[(work.Source, decoding)] = fetcher = new ObjectFetcher(source, _cache, _spool, RetryPolicy.Default, _log, decoding: decoding);
        var dispatcher = _dispatcher;
        var self = Self;
        Filtering.LineFilter? filter = null;
        if (work.Filter is { } spec && !_filters.TryGetValue(spec, out filter))
        {
            try
            {
                _filters[spec] = filter = Filtering.GrepFilter.Create(spec);
            }
            catch (ArgumentException e)
            {
                // The run's node made the same filter, so this is a worker of another version.
                dispatcher.Tell(new WorkFailed(work.Seq, $"this worker cannot make the run's filter: {e.Message}"));
                self.Tell(new Finished(work.Seq));
                return;
            }
        }
        var credit = _credit[work.Seq] = new SemaphoreSlim(ChunksInFlight);
        long seq = work.Seq;
        Send(fetcher, work, filter, credit, dispatcher, self, _stopping.Token)
            .PipeTo(self, success: () => new Finished(seq), failure: _ => new Finished(seq));
    }

    /// <summary>Fetches, then streams the decoded bytes to the dispatcher in order; a failure is a message, never a crash.</summary>
    private static async Task Send(ObjectFetcher fetcher, Work work, Filtering.LineFilter? filter, SemaphoreSlim credit,
        IActorRef dispatcher, IActorRef self, CancellationToken stopping)
    {
        ObjectContent content;
        try
        {
            content = filter is null
                ? await fetcher.FetchAsync(work.Object, bypassCache: false, stopping).ConfigureAwait(false)
                : await fetcher.FetchFilteredAsync(work.Object, work.SkipLines, filter, stopping).ConfigureAwait(false);
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // This worker is leaving: no answer. The run gives the object to another once it sees
            // the worker gone; a failure sent now would end the run over an object nobody lost.
            return;
        }
        catch (Exception e)
        {
            dispatcher.Tell(new WorkFailed(work.Seq, ListerActor.Unwrap(e).Message), self);
            return;
        }
        try
        {
            if (content is FilteredContent filtered)
                dispatcher.Tell(new WorkKept(work.Seq, filtered.Map.ToRuns(), filtered.ExaminedThrough), self);
            await using var decoded = content.OpenDecoded();
            // One pooled read buffer per object in flight (most objects are far smaller than a chunk);
            // each chunk sent owns a copy of just its bytes.
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(ChunkBytes);
            try
            {
                int index = 0;
                while (true)
                {
                    int n = await decoded.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, stopping).ConfigureAwait(false);
                    bool last = n < ChunkBytes;
                    await credit.WaitAsync(stopping).ConfigureAwait(false);
                    dispatcher.Tell(new WorkChunk(work.Seq, index++, buffer.AsSpan(0, n).ToArray(), last), self);
                    if (last) break;
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // Leaving mid-object: the run drops what arrived of it when it sees this worker gone.
        }
        catch (Exception e) when (e is IOException or CorruptEntryException or OperationCanceledException)
        {
            dispatcher.Tell(new WorkFailed(work.Seq, e.Message), self);
        }
        finally
        {
            content.Release();
        }
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        foreach (var source in _sources.Values) source.Dispose();
        base.PostStop();
    }

    private sealed record Finished(long Seq);
}
