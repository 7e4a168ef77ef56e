using Akka.Actor;

namespace S3Tail.Pipeline;

/// <summary>
/// Owns the output. Writes each batch through the sink and acknowledges it only once the write
/// has completed, so the bookmark the sequencer builds from acknowledgements never names a line
/// that was merely queued. Runs on its own thread (a pinned dispatcher): a blocked pipe stalls
/// only the writer. Once stopping, it drops batches unwritten; a closed pipe is a stop, not a crash.
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
                result = _sink.Write(message.Key, batch);
            }
            catch (OutputClosedException)
            {
                _stopped = true;
                Sender.Tell(new LinesWritten(message.Seq, message.Key, null, 0, 0, new WriterStop.OutputClosed()));
                return;
            }
            catch (Exception e)
            {
                _stopped = true;
                Sender.Tell(new LinesWritten(message.Seq, message.Key, null, 0, 0, new WriterStop.WriteFailed(e)));
                return;
            }
            long lines = Math.Max(0, result.LastLineWritten - batch.FirstLine + 1);
            long bytes = result.LastLineWritten == batch.LastLine ? batch.Length : 0;
            long? last = lines > 0 ? result.LastLineWritten : null;
            _stopped = result.Stop;
            Sender.Tell(new LinesWritten(message.Seq, message.Key, last, lines, bytes, result.Stop ? new WriterStop.HandlerStopped() : null));
        }
        finally
        {
            batch.Return();
        }
    }
}
