using S3Tail.Decoding;

namespace S3Tail;

/// <summary>
/// Where lines go. The writer actor calls it with one batch at a time, from one thread.
/// Returns the last line whose write completed (<c>batch.LastLine</c> when all were written)
/// and whether to stop after it.
/// </summary>
public interface ILineSink
{
    SinkResult Write(string key, LineBatch batch);
}

public readonly record struct SinkResult(long LastLineWritten, bool Stop);

/// <summary>The library's line handler: return false to stop after this line.</summary>
public delegate bool LineHandler(string key, long lineNumber, ReadOnlySpan<byte> line);

/// <summary>Calls a <see cref="LineHandler"/> for each line (without its '\n').</summary>
public sealed class HandlerLineSink(LineHandler handler) : ILineSink
{
    public SinkResult Write(string key, LineBatch batch)
    {
        var bytes = batch.Bytes;
        long line = batch.FirstLine;
        while (!bytes.IsEmpty)
        {
            int nl = bytes.IndexOf((byte)'\n');
            if (!handler(key, line, bytes[..nl])) return new SinkResult(line, true);
            bytes = bytes[(nl + 1)..];
            line++;
        }
        return new SinkResult(batch.LastLine, false);
    }
}

/// <summary>The reader of the output went away (EPIPE).</summary>
public sealed class OutputClosedException(Exception inner) : IOException("The output was closed by its reader.", inner);

/// <summary>
/// Writes batches to a stream (stdout) as they are: one write a batch, straight to the file
/// descriptor, so when Write returns the bytes are the kernel's and the bookmark may move.
/// </summary>
public sealed class StreamLineSink(Stream output) : ILineSink
{
    public SinkResult Write(string key, LineBatch batch)
    {
        try
        {
            output.Write(batch.Bytes);
            output.Flush();
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            throw new OutputClosedException(e);
        }
        return new SinkResult(batch.LastLine, false);
    }

    // EPIPE is 32 on Linux and macOS; .NET reports it in HResult's low bits or the message.
    private static bool IsBrokenPipe(IOException e) =>
        (e.HResult & 0xFFFF) == 32 || e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase);
}
