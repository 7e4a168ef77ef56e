using Akka.Actor;
using S3Tail.Bookmarks;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Pipeline;

/// <summary>
/// Puts the parallel downloads back in key order and feeds the writer. Its rules live in
/// <see cref="ReorderWindow{TOutcome}"/> (a plain type with property tests); its I/O in
/// <see cref="ObjectReader"/>, whose reads run as tasks piped back here. What is left is the
/// actor's own concern: turning events into window updates and messages.
///
/// <list type="bullet">
/// <item>Fetch outcomes arrive in any order and wait in the window as file references.</item>
/// <item>The released object is read one batch at a time; at most <see cref="BatchWindow"/>
/// batches are with the writer.</item>
/// <item>The writer's acknowledgements move the bookmark, and an object that ends gives the
/// lister one credit back.</item>
/// <item>An object that cannot be read — before or after some of it was written — is skipped
/// with a warning when it vanished or with --skip-errors, and otherwise ends the run.</item>
/// </list>
/// Every end goes through <see cref="BeginStop"/>; once no batch is in flight the result goes to
/// the coordinator. A stop from outside cancels the shared token at once (downloads stop, the
/// writer gives up a blocked write). A failed object lets the writer finish the batches already
/// handed to it first: they are good lines, and at most <see cref="BatchWindow"/> of them.
/// </summary>
internal sealed partial class SequencerActor : ReceiveActor
{
    /// <summary>
    /// Batches (of ~256 KiB) handed to the writer and not yet acknowledged. Two keep the writer
    /// busy while the next is read; four absorb jitter. More only delays a stop.
    /// </summary>
    public const int BatchWindow = 4;

    private readonly PipelineSettings _settings;
    private readonly TailRequest _request;
    private readonly IActorRef _writer;
    private readonly ReorderWindow<object> _window;
    private readonly List<string> _skipped = [];
    private readonly Dictionary<long, Delivery> _released = new();   // objects read, until they end
    private long _examined;
    private Bookmark? _frontier;                 // the key-order bookmark: late objects do not move it
    private IActorRef? _lister;                  // told of follow's ends, directly: its report must include them
    private IActorRef? _creditTo;                // the dispatcher, which passes credit on to the lister
    private int _creditOwed;

    private ObjectReader? _reader;          // the object being read
    private long _readerSeq;
    private Task? _readRunning;             // a read task whose batch has not come back yet
    private Exception? _listingError;
    private long _objects, _lines, _bytes;
    private StopReason? _stop;
    private Exception? _error;
    private bool _finished;

    public SequencerActor(PipelineSettings settings, IActorRef writer)
    {
        _settings = settings;
        _request = settings.Request;
        _writer = writer;
        _window = new ReorderWindow<object>(_request.Bookmark);
        _frontier = _request.Bookmark;

        Receive<AttachLister>(m =>
        {
            _lister = m.Lister;
            _creditTo = m.CreditTo ?? m.Lister;
            GiveCredit(0);
        });
        Receive<ObjectFetched>(m => Arrive(m.Seq, m));
        Receive<FetchFailed>(m => Arrive(m.Seq, m));
        Receive<ListingCompleted>(m => { _window.ListingEnded(m.ObjectCount); Pump(); });
        Receive<ListingFailed>(m => { _window.ListingEnded(m.ObjectCount); _listingError = m.Reason; Pump(); });
        Receive<BatchRead>(OnBatchRead);
        Receive<BatchWritten>(OnWritten);
        Receive<StopRun>(m => { _request.Log.Debug($"stopping: {m.Reason}"); BeginStop(StopReason.Cancelled, null); });
        Receive<WriterStop>(m => BeginStop(m.Reason, m.Error));
        Receive<FailRun>(m => BeginStop(StopReason.Failed, m.Reason));
    }

    public static Props Props(PipelineSettings settings, IActorRef writer) =>
        Akka.Actor.Props.Create(() => new SequencerActor(settings, writer));

    private void Arrive(long seq, object outcome)
    {
        if (_finished || _stop is not null)
        {
            (outcome as ObjectFetched)?.Content.Release();
            return;
        }
        _window.Arrive(seq, outcome);
        Pump();
    }

    /// <summary>Releases objects and starts reads while the order and the batch window allow.</summary>
    private void Pump()
    {
        while (_stop is null && _reader is null && _window.TryRelease(out long seq, out var outcome))
        {
            switch (outcome)
            {
                case FetchFailed failed:
                    if (!SkipOrStop(failed.Object, failed.Reason, linesWritten: false)) return;
                    _window.Abandon(seq);
                    break;
                case ObjectFetched fetched:
                    _reader = new ObjectReader(fetched.Object, fetched.Content, fetched.Placement.SkipLines, _settings.Fetcher,
                        _request.Log, _settings.Stopping.Token);
                    _readerSeq = seq;
                    _released[seq] = new Delivery(fetched.Placement.Late) { LineReached = fetched.Placement.SkipLines };
                    break;
            }
        }
        if (_stop is null && _reader is not null && _readRunning is null && _window.BatchesInFlight < BatchWindow)
        {
            var reader = _reader;
            long seq = _readerSeq;
            var read = reader.NextAsync();
            _readRunning = read;
            read.PipeTo(Self, success: batch => new BatchRead(seq, batch, null), failure: e => new BatchRead(seq, null, ListerActor.Unwrap(e)));
        }
        ReturnCredit();
        TryFinish();
    }

    private void OnBatchRead(BatchRead read)
    {
        _readRunning = null;
        if (_stop is not null || _finished)
        {
            read.Batch?.Return();
            TryFinish();
            return;
        }
        var reader = _reader!;
        if (read.Error is { } error)
        {
            reader.Dispose();
            _reader = null;
            if (SkipOrStop(reader.Info, error, linesWritten: _window.Bookmark?.Key == reader.Info.Key)) _window.Abandon(read.Seq);
        }
        else if (read.Batch is null)
        {
            reader.Dispose();
            _reader = null;
            _window.ReadCompleted(read.Seq);
        }
        else
        {
            _window.BatchSent(read.Seq);
            _released[read.Seq].Sent += read.Batch.Length;
            _writer.Tell(new WriteLines(read.Seq, reader.Info.Key, read.Batch));
        }
        Pump();
    }

    private void OnWritten(BatchWritten ack)
    {
        var delivery = _released[ack.Seq];
        long examined = 0;
        if (ack.LastLineWritten is { } reached && reached > delivery.LineReached)
        {
            examined = reached - delivery.LineReached;
            _examined += examined;
            delivery.LineReached = reached;
        }
        _request.Progress?.Lines(examined, ack.Lines);
        delivery.Written += ack.Bytes;
        if (_window.BatchAcknowledged(ack.Seq, ack.Key, ack.LastLineWritten))
        {
            if (delivery.Late) _lister?.Tell(new FollowLateLine(ack.Key, _window.Bookmark!.Line));   // only a follow finds objects late
            else
            {
                _frontier = _window.Bookmark!;
                _request.BookmarkMoved?.Invoke(_frontier);
            }
        }
        _lines += ack.Lines;
        _bytes += ack.Bytes;
        _request.Progress?.Wrote(ack.Key, ack.Bytes);
        if (ack.Stop is { } stop) BeginStop(stop.Reason, stop.Error);
        Pump();
    }
}
