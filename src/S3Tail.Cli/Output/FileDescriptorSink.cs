using S3Tail.Decoding;

namespace S3Tail.Cli.Output;

/// <summary>
/// The CLI's sink: each batch goes to stdout through <see cref="FileDescriptorOutput"/>, which
/// writes at the shared file position, never blocks past a stop, and counts every byte that
/// went out — so the bookmark names exactly the last line delivered whole.
/// </summary>
internal sealed class FileDescriptorSink(FileDescriptorOutput output) : ILineSink
{
    public SinkResult Write(string key, LineBatch batch, CancellationToken stopping)
    {
        var outcome = output.Write(batch.Bytes, stopping);
        return outcome.Status switch
        {
            WriteStatus.Done => SinkResult.All(batch),
            WriteStatus.Stopped => new SinkResult(outcome.Written, SinkStatus.Stopped),
            WriteStatus.Closed => new SinkResult(outcome.Written, SinkStatus.OutputClosed),
            _ => new SinkResult(outcome.Written, SinkStatus.Failed, outcome.Error),
        };
    }

    public bool OutputGone => output.ReaderGone();
}
