using Akka.Actor;
using S3Tail.Bookmarks;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Pipeline;

/// <summary>How objects and the run end: skipping or stopping, credit given back, the result.</summary>
internal sealed partial class SequencerActor
{
    /// <summary>
    /// An object cannot be written (further). One deleted since the listing, or any with
    /// --skip-errors, is skipped with a warning; anything else ends the run. True when the run goes on.
    /// </summary>
    private bool SkipOrStop(ObjectInfo info, Exception reason, bool linesWritten)
    {
        if (reason is OperationCanceledException && _settings.Stopping.IsCancellationRequested) return false;
        if (reason is ObjectMissingException || _request.SkipErrors)
        {
            string after = linesWritten ? $" after line {_window.Bookmark!.Line} was written" : "";
            _request.Log.Warn(reason is ObjectMissingException
                ? $"skipped '{info.Key}'{after}: it was deleted after it was listed."
                : $"skipped '{info.Key}'{after}: {reason.Message}");
            _skipped.Add(info.Key);
            return true;
        }
        BeginStop(StopReason.Failed, reason is S3TailException ? reason
            : S3TailException.Runtime($"Error reading '{info.Key}': {reason.Message}", reason));
        return false;
    }

    /// <summary>Ended objects give their credit back to the lister.</summary>
    private void ReturnCredit()
    {
        var ended = _window.TakeEnded();
        if (ended.Count == 0) return;
        var done = new List<bool>(ended.Count);
        foreach (var e in ended)
        {
            _released.Remove(e.Seq, out var delivery);
            done.Add(e.Skipped || delivery is null || delivery.Sent == delivery.Written);
            if (e.Skipped) continue;
            _objects++;
            _request.Progress?.Written();
        }
        // The follow's ledger is the lister's: told even as the run stops (its last report follows).
        if (_request.Follow is not null) _lister?.Tell(new FollowObjectsEnded(done));
        GiveCredit(ended.Count);
    }

    private void GiveCredit(int count)
    {
        _creditOwed += count;
        if (_creditTo is null || _creditOwed == 0 || _stop is not null) return;
        _creditTo.Tell(new CreditReturned(_creditOwed));
        _creditOwed = 0;
    }

    private void BeginStop(StopReason reason, Exception? error)
    {
        if (_stop is not null) return;
        _stop = reason;
        _error = error;
        if (reason != StopReason.Failed) _settings.Stopping.Cancel();
        TryFinish();
    }

    private void TryFinish()
    {
        if (_finished || _window.BatchesInFlight > 0) return;
        if (_stop is null)
        {
            if (!_window.AllEnded) return;
            if (_listingError is not null) (_stop, _error) = (StopReason.Failed, _listingError);
            else _stop = StopReason.Completed;
        }
        _finished = true;
        _settings.Stopping.Cancel();
        if (_reader is { } reader)
        {
            // A read still running owns the reader until it returns.
            if (_readRunning is { } running) running.ContinueWith(_ => reader.Dispose(), TaskScheduler.Default);
            else reader.Dispose();
        }
        foreach (var outcome in _window.DrainArrived()) (outcome as ObjectFetched)?.Content.Release();
        var stats = new RunStatistics(_objects, _lines, _bytes, 0, 0, _skipped) { LinesExamined = _examined };
        Context.Parent.Tell(new RunFinished(new TailResult(_frontier, _stop.Value, _error, stats)));
    }

    /// <summary>
    /// What the sequencer follows of one object from its release to its end: whether a follow
    /// found it late (its lines do not move the key-order bookmark), the last source line
    /// acknowledged (for lines examined), and its bytes sent and written (all written: done).
    /// </summary>
    private sealed class Delivery(bool late)
    {
        public bool Late { get; } = late;
        public long LineReached { get; set; }
        public long Sent { get; set; }
        public long Written { get; set; }
    }

    /// <summary>A read task's result: a batch, the end of the object (null), or an error.</summary>
    private sealed record BatchRead(long Seq, LineBatch? Batch, Exception? Error);
}
