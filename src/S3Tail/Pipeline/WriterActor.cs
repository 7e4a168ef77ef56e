using Akka.Actor;

namespace S3Tail.Pipeline;

/// <summary>
/// Owns the output. Writes each batch through the sink and acknowledges it with what actually
/// went out — the last line whose '\n' was written — so the bookmark the sequencer builds from
/// acknowledgements never names a line that was merely queued or cut short. Runs on its own
/// thread (a pinned dispatcher): a blocked pipe stalls only the writer, and the sink gives up a
/// blocked write when the run stops. Once stopped, it drops batches unwritten; a closed pipe is
/// a stop, not a crash.
/// </summary>
internal sealed class WriterActor : ReceiveActor, IWithTimers
{
    public const string DispatcherId = "s3tail-writer-dispatcher";

    /// <summary>How often a follow's writer looks whether its reader went away while nothing is written.</summary>
    public static readonly TimeSpan OutputCheckInterval = TimeSpan.FromMilliseconds(250);

    private readonly ILineSink _sink;
    private readonly CancellationToken _stopping;
    private readonly bool _watchOutput;
    private long? _remaining;   // lines still to write before -m's limit
    private bool _stopped;

    public WriterActor(ILineSink sink, CancellationToken stopping, bool watchOutput, long? maxLines)
    {
        _sink = sink;
        _stopping = stopping;
        _watchOutput = watchOutput;
        _remaining = maxLines;
        Receive<WriteLines>(Write);
        Receive<CheckOutput>(_ =>
        {
            if (_stopped || !_sink.OutputGone) return;
            _stopped = true;
            Context.Parent.Tell(new WriterStop(StopReason.OutputClosed));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// The writer of <paramref name="sink"/>; with <paramref name="watchOutput"/> (follow mode,
    /// which can wait for hours between writes) it also notices a reader that went away meanwhile.
    /// </summary>
    public static Props Props(ILineSink sink, CancellationToken stopping, bool watchOutput = false, long? maxLines = null) =>
        Akka.Actor.Props.Create(() => new WriterActor(sink, stopping, watchOutput, maxLines)).WithDispatcher(DispatcherId);

    protected override void PreStart()
    {
        if (_watchOutput) Timers.StartPeriodicTimer("check-output", CheckOutput.Instance, OutputCheckInterval);
    }

    private void Write(WriteLines message)
    {
        var batch = message.Batch;
        try
        {
            if (_stopped || _stopping.IsCancellationRequested)
            {
                Sender.Tell(new BatchWritten(message.Seq, message.Key, null, 0, 0, null));
                return;
            }
            // -m: write up to the last line allowed, and stop there.
            bool atLimit = _remaining is { } remaining && batch.Newlines >= remaining;
            if (atLimit)
            {
                var whole = batch;
                batch = whole.FirstLines((int)_remaining!.Value);
                whole.Return();
            }
            SinkResult result;
            try
            {
                result = _sink.Write(message.Key, batch, _stopping);
            }
            catch (Exception e)
            {
                result = new SinkResult(0, SinkStatus.Failed, e.Message);
            }
            long written = Math.Clamp(result.BytesWritten, 0, batch.Length);
            long lines = batch.LinesWithin(written);
            // At the limit the bookmark is the last line written, not the end of what was examined.
            long? last = !atLimit ? batch.LastLineWithin(written) : lines > 0 ? batch.LineNumber((int)lines - 1) : null;
            if (_remaining is not null) _remaining -= lines;
            WriterStop? stop = result.Status switch
            {
                SinkStatus.Written when atLimit => new WriterStop(StopReason.LimitReached),
                SinkStatus.Written => null,
                SinkStatus.Stopped => null,
                SinkStatus.HandlerStopped => new WriterStop(StopReason.HandlerStopped),
                SinkStatus.OutputClosed => new WriterStop(StopReason.OutputClosed),
                _ => new WriterStop(StopReason.Failed, WriteFailed(result.Error ?? "the write failed")),
            };
            _stopped = stop is not null || result.Status == SinkStatus.Stopped;
            Sender.Tell(new BatchWritten(message.Seq, message.Key, last, lines, written, stop));
        }
        finally
        {
            batch.Return();
        }
    }

    /// <summary>The run's error for a write that failed (disk full, an I/O error, a sink that threw).</summary>
    private static S3TailException WriteFailed(string reason)
    {
        var error = new IOException(reason);
        return S3TailException.Runtime($"Error writing the output: {error.Message.TrimEnd('.')}.", error);
    }

    private sealed record CheckOutput
    {
        public static readonly CheckOutput Instance = new();
    }
}
