using Akka.Actor;
using S3Tail.Bookmarks;
using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Pipeline;

/// <summary>
/// Puts the parallel downloads back in key order. Fetch outcomes arrive in any order and wait
/// here (as file references) until their turn: object <c>seq</c> is released only after every
/// object before it. A released object is read in batches of whole lines, at most
/// <see cref="BatchWindow"/> batches in flight to the writer. The writer's acknowledgements move
/// the bookmark — so it always names a line whose write completed — and, when an object's last
/// batch is acknowledged, give the lister one credit back.
///
/// Every end goes through <see cref="BeginStop"/>; once no batch is in flight the result goes
/// to the coordinator. A stop from outside cancels the shared token at once (downloads stop, the
/// writer drops what it has not started: a signal must be obeyed promptly). A failed object
/// lets the writer finish the batches already handed to it first — they are good lines, and at
/// most <see cref="BatchWindow"/> of them.
/// </summary>
public sealed class SequencerActor : ReceiveActor
{
    /// <summary>
    /// Batches (of ~256 KiB) handed to the writer and not yet acknowledged. Two keep the writer
    /// busy while the next is read; four absorb jitter. More only delays a stop.
    /// </summary>
    public const int BatchWindow = 4;

    private readonly IActorRef _writer;
    private readonly Bookmark? _resume;
    private readonly bool _skipErrors;
    private readonly ObjectCache? _cache;
    private readonly CancellationTokenSource _stopping;
    private readonly ILog _log;
    private readonly Action<Bookmark>? _bookmarkMoved;
    private readonly RunProgress? _progress;

    private readonly Dictionary<long, object> _arrived = new();   // ObjectFetched or FetchFailed, by Seq
    private readonly Queue<SentObject> _sent = new();             // released objects not yet fully acknowledged
    private SentObject? _newestSent;                              // the last one enqueued
    private readonly List<string> _skipped = [];
    private IActorRef? _lister;
    private IActorRef? _pool;
    private int _creditOwed;

    private Released? _current;
    private long _next;            // the Seq of the next object to release
    private long? _total;          // objects the lister handed out, once the listing has ended
    private Exception? _listingError;
    private int _inFlight;
    private Bookmark? _bookmark;
    private long _objects, _lines, _bytes;
    private StopReason? _stop;
    private Exception? _error;
    private bool _finished;

    public SequencerActor(IActorRef writer, Bookmark? resume, bool skipErrors, ObjectCache? cache,
        CancellationTokenSource stopping, ILog log, Action<Bookmark>? bookmarkMoved = null, RunProgress? progress = null)
    {
        _bookmarkMoved = bookmarkMoved;
        _progress = progress;
        _writer = writer;
        _resume = resume;
        _bookmark = resume;
        _skipErrors = skipErrors;
        _cache = cache;
        _stopping = stopping;
        _log = log;

        Receive<AttachPipeline>(m =>
        {
            (_lister, _pool) = (m.Lister, m.Pool);
            GiveCredit(0);
        });
        Receive<ObjectFetched>(OnFetched);
        Receive<FetchFailed>(OnFetchFailed);
        Receive<ListingCompleted>(m => { _total = m.ObjectCount; Pump(); });
        Receive<ListingFailed>(m => { _total = m.ObjectCount; _listingError = m.Reason; Pump(); });
        Receive<LinesWritten>(OnWritten);
        Receive<StopRun>(m => { _log.Debug($"stopping: {m.Reason}"); BeginStop(StopReason.Cancelled, null); });
    }

    public static Props Props(IActorRef writer, Bookmark? resume, bool skipErrors, ObjectCache? cache,
        CancellationTokenSource stopping, ILog log, Action<Bookmark>? bookmarkMoved = null, RunProgress? progress = null) =>
        Akka.Actor.Props.Create(() => new SequencerActor(writer, resume, skipErrors, cache, stopping, log, bookmarkMoved, progress));

    private void OnFetched(ObjectFetched fetched)
    {
        if (_current is { AwaitingRefetch: true } c && c.Seq == fetched.Seq)
        {
            c.Content = fetched.Content;
            c.AwaitingRefetch = false;
            Open(c);
        }
        else if (_finished || _stop is not null) fetched.Content.Release();
        else _arrived[fetched.Seq] = fetched;
        Pump();
    }

    private void OnFetchFailed(FetchFailed failed)
    {
        if (_current is { AwaitingRefetch: true } c && c.Seq == failed.Seq)
        {
            _current = null;
            if (!Skip(failed)) return;
        }
        else _arrived[failed.Seq] = failed;
        Pump();
    }

    private void OnWritten(LinesWritten ack)
    {
        _inFlight--;
        if (ack.LastLineWritten is { } line)
        {
            _bookmark = new Bookmark(ack.Key, line);
            _bookmarkMoved?.Invoke(_bookmark);
        }
        _lines += ack.Lines;
        _bytes += ack.Bytes;
        _progress?.Wrote(ack.Key, ack.Bytes);
        if (_sent.TryPeek(out var head) && head.Seq == ack.Seq) head.Outstanding--;
        switch (ack.Stop)
        {
            case WriterStop.OutputClosed: BeginStop(StopReason.OutputClosed, null); break;
            case WriterStop.HandlerStopped: BeginStop(StopReason.HandlerStopped, null); break;
            case WriterStop.WriteFailed f:
                BeginStop(StopReason.Failed, S3TailException.Runtime($"Error writing the output: {f.Reason.Message}", f.Reason));
                break;
        }
        CompleteWrittenObjects();
        Pump();
    }

    /// <summary>Releases objects and sends batches while the order and the window allow.</summary>
    private void Pump()
    {
        while (_stop is null)
        {
            if (_current is null)
            {
                if (_arrived.Remove(_next, out var outcome))
                {
                    _next++;
                    if (outcome is FetchFailed failed)
                    {
                        if (!Skip(failed)) return;
                        continue;
                    }
                    var fetched = (ObjectFetched)outcome;
                    _current = new Released(fetched.Seq, fetched.Object, fetched.Content);
                    Open(_current);
                    continue;
                }
                break;
            }
            if (_current.AwaitingRefetch || _inFlight >= BatchWindow) break;
            if (!TryRead(_current, out var batch)) continue;
            if (batch is null)
            {
                FinishReleased();
                continue;
            }
            _current.LastLineSent = batch.LastLine;
            SentFor(_current).Outstanding++;
            _inFlight++;
            _writer.Tell(new WriteLines(_current.Seq, _current.Info.Key, batch));
        }
        TryFinish();
    }

    /// <summary>Opens the released object; on failure it is healed, skipped, or ends the run.</summary>
    private void Open(Released released)
    {
        long skip = Math.Max(released.LastLineSent, _resume?.Key == released.Info.Key ? _resume.Line : 0);
        try
        {
            released.Reader = new LineBatchReader(released.Content.OpenDecoded(), skip);
        }
        catch (CorruptEntryException e)
        {
            Heal(released, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            _current = null;
            Skip(new FetchFailed(released.Seq, released.Info, e));
        }
    }

    /// <summary>Reads the next batch; false when reading failed (healing started, skipped or stopped).</summary>
    private bool TryRead(Released released, out LineBatch? batch)
    {
        batch = null;
        try
        {
            batch = released.Reader!.Next();
            return true;
        }
        catch (CorruptEntryException e)
        {
            Heal(released, e);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            released.Reader!.Dispose();
            _current = null;
            Skip(new FetchFailed(released.Seq, released.Info, e));
            return false;
        }
    }

    /// <summary>
    /// A cache entry failed its checks: delete it and fetch the object again, bypassing the cache.
    /// The lines already sent stay sent; the fresh copy is read from the line after them.
    /// </summary>
    private void Heal(Released released, CorruptEntryException e)
    {
        released.Reader?.Dispose();
        released.Reader = null;
        if (released.Healed || _pool is null)
        {
            _current = null;
            Skip(new FetchFailed(released.Seq, released.Info, e));
            return;
        }
        _log.Warn($"{e.Message} Fetching '{released.Info.Key}' again.");
        _cache?.Remove(e.EntryPath);
        released.Healed = true;
        released.AwaitingRefetch = true;
        _pool.Tell(new FetchObject(released.Seq, released.Info, BypassCache: true));
    }

    /// <summary>
    /// An object cannot be written. One deleted since the listing, or any with --skip-errors, is
    /// skipped with a warning; anything else ends the run. True when the run goes on.
    /// </summary>
    private bool Skip(FetchFailed failed)
    {
        var reason = failed.Reason;
        if (reason is OperationCanceledException && _stopping.IsCancellationRequested) return false;
        if (reason is ObjectMissingException || _skipErrors)
        {
            _log.Warn(reason is ObjectMissingException
                ? $"skipped '{failed.Object.Key}': it was deleted after it was listed."
                : $"skipped '{failed.Object.Key}': {Describe(reason)}");
            _skipped.Add(failed.Object.Key);
            Enqueue(new SentObject(failed.Seq, null) { FullySent = true });
            CompleteWrittenObjects();
            return true;
        }
        BeginStop(StopReason.Failed, reason is S3TailException ? reason
            : S3TailException.Runtime($"Error reading '{failed.Object.Key}': {Describe(reason)}", reason));
        return false;
    }

    private static string Describe(Exception e) => e.Message;

    private void FinishReleased()
    {
        var released = _current!;
        released.Reader!.Dispose();
        SentFor(released).FullySent = true;
        _current = null;
        CompleteWrittenObjects();
    }

    private SentObject SentFor(Released released)
    {
        if (_newestSent is { } newest && newest.Seq == released.Seq && _sent.Count > 0) return newest;
        return Enqueue(new SentObject(released.Seq, released.Content));
    }

    private SentObject Enqueue(SentObject sent)
    {
        _sent.Enqueue(sent);
        _newestSent = sent;
        return sent;
    }

    /// <summary>Objects whose every batch was acknowledged are done: free their files, give credit.</summary>
    private void CompleteWrittenObjects()
    {
        int done = 0;
        while (_sent.TryPeek(out var head) && head.FullySent && head.Outstanding == 0)
        {
            _sent.Dequeue();
            head.Content?.Release();
            if (head.Content is not null)
            {
                _objects++;
                _progress?.Written();
            }
            done++;
        }
        if (done > 0) GiveCredit(done);
    }

    private void GiveCredit(int count)
    {
        _creditOwed += count;
        if (_lister is null || _creditOwed == 0 || _stop is not null) return;
        _lister.Tell(new ObjectsWritten(_creditOwed));
        _creditOwed = 0;
    }

    private void BeginStop(StopReason reason, Exception? error)
    {
        if (_stop is not null) return;
        _stop = reason;
        _error = error;
        if (reason != StopReason.Failed) _stopping.Cancel();
        TryFinish();
    }

    private void TryFinish()
    {
        if (_finished || _inFlight > 0) return;
        if (_stop is null)
        {
            if (_total is null || _next < _total || _current is not null) return;
            if (_listingError is not null)
            {
                _stop = StopReason.Failed;
                _error = _listingError;
                _stopping.Cancel();
            }
            else _stop = StopReason.Completed;
        }
        _finished = true;
        _stopping.Cancel();
        _current?.Reader?.Dispose();
        _current?.Content.Release();
        foreach (var sent in _sent) sent.Content?.Release();
        foreach (var outcome in _arrived.Values) (outcome as ObjectFetched)?.Content.Release();
        _arrived.Clear();
        var stats = new RunStatistics(_objects, _lines, _bytes, 0, 0, _skipped);
        Context.Parent.Tell(new RunFinished(new TailResult(_bookmark, _stop.Value, _error, stats)));
    }

    /// <summary>The object being read out.</summary>
    private sealed class Released(long seq, ObjectInfo info, ObjectContent content)
    {
        public long Seq { get; } = seq;
        public ObjectInfo Info { get; } = info;
        public ObjectContent Content { get; set; } = content;
        public LineBatchReader? Reader { get; set; }
        public long LastLineSent { get; set; }
        public bool Healed { get; set; }
        public bool AwaitingRefetch { get; set; }
    }

    /// <summary>A released object with batches still to be acknowledged. Content null: skipped.</summary>
    private sealed class SentObject(long seq, ObjectContent? content)
    {
        public long Seq { get; } = seq;
        public ObjectContent? Content { get; } = content;
        public int Outstanding { get; set; }
        public bool FullySent { get; set; }
    }
}
