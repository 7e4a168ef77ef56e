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
public sealed class WriterActor : ReceiveActor
{
    public const string DispatcherId = "s3tail-writer-dispatcher";

    private readonly ILineSink _sink;
    private readonly CancellationToken _stopping;
    private bool _stopped;

    public WriterActor(ILineSink sink, CancellationToken stopping)
    {
        _sink = sink;
        _stopping = stopping;
        Receive<WriteLines>(Write);
    }

    public static Props Props(ILineSink sink, CancellationToken stopping) =>
        Akka.Actor.Props.Create(() => new WriterActor(sink, stopping)).WithDispatcher(DispatcherId);

    private void Write(WriteLines message)
    {
        var batch = message.Batch;
        try
        {
            if (_stopped || _stopping.IsCancellationRequested)
            {
                Sender.Tell(new LinesWritten(message.Seq, message.Key, null, 0, 0, null));
                return;
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
            long? last = batch.LastLineWithin(written);
            long lines = last is { } l ? l - batch.FirstLine + 1 : 0;
            WriterStop? stop = result.Status switch
            {
                SinkStatus.Written => null,
                SinkStatus.Stopped => null,
                SinkStatus.HandlerStopped => new WriterStop.HandlerStopped(),
                SinkStatus.OutputClosed => new WriterStop.OutputClosed(),
                _ => new WriterStop.WriteFailed(new IOException(result.Error ?? "the write failed")),
            };
            _stopped = stop is not null || result.Status == SinkStatus.Stopped;
            Sender.Tell(new LinesWritten(message.Seq, message.Key, last, lines, written, stop));
        }
        finally
        {
            batch.Return();
        }
    }
}
