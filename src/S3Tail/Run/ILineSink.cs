using System.Buffers;
using S3Tail.Decoding;

namespace S3Tail;

/// <summary>
/// Where lines go. The writer actor calls it with one batch at a time, from one thread, and
/// builds the bookmark from <see cref="SinkResult.BytesWritten"/>: the last line whose '\n' is
/// among the bytes that went out. <paramref name="stopping"/> fires when the run must end now: a
/// sink blocked on a reader that does not read gives up then and says how far it got.
/// </summary>
public interface ILineSink
{
    SinkResult Write(string key, LineBatch batch, CancellationToken stopping);

    /// <summary>
    /// True once the reader of the output is known to be gone although nothing was written (a
    /// pipe whose reader exited). A follow that waits for new objects asks now and then, so that
    /// <c>| head</c> ends it without waiting for the next object.
    /// </summary>
    bool OutputGone => false;
}

/// <summary>How a sink's write ended.</summary>
public enum SinkStatus
{
    /// <summary>All of the batch went out.</summary>
    Written,
    /// <summary>The library's line handler asked to stop after the bytes written.</summary>
    HandlerStopped,
    /// <summary>The run is stopping and the output could take no more.</summary>
    Stopped,
    /// <summary>The reader went away (EPIPE): a normal end.</summary>
    OutputClosed,
    /// <summary>Writing failed (disk full, an I/O error); <see cref="SinkResult.Error"/> says how.</summary>
    Failed,
}

/// <summary>How many of the batch's bytes went out, and how the write ended.</summary>
public readonly record struct SinkResult(long BytesWritten, SinkStatus Status, string? Error = null)
{
    public static SinkResult All(LineBatch batch) => new(batch.Length, SinkStatus.Written);
}

/// <summary>The library's line handler: return false to stop after this line.</summary>
public delegate bool LineHandler(string key, long lineNumber, ReadOnlySpan<byte> line);

/// <summary>
/// Calls a <see cref="LineHandler"/> for each whole line (without its '\n'). A line that arrives
/// in several batches (longer than a batch) is put together first: the handler always sees
/// whole lines, so this sink holds the longest line in memory.
/// </summary>
internal sealed class HandlerLineSink(LineHandler handler) : ILineSink
{
    private readonly ArrayBufferWriter<byte> _pending = new();

    public SinkResult Write(string key, LineBatch batch, CancellationToken stopping)
    {
        var bytes = batch.Bytes;
        int index = 0;
        int consumed = 0;
        if (!batch.StartsMidLine) _pending.Clear();
        while (consumed < bytes.Length)
        {
            int nl = bytes[consumed..].IndexOf((byte)'\n');
            if (nl < 0)
            {
                _pending.Write(bytes[consumed..]);
                return SinkResult.All(batch);
            }
            bool go;
            if (_pending.WrittenCount > 0)
            {
                _pending.Write(bytes.Slice(consumed, nl));
                go = handler(key, batch.LineNumber(index), _pending.WrittenSpan);
                _pending.Clear();
            }
            else go = handler(key, batch.LineNumber(index), bytes.Slice(consumed, nl));
            consumed += nl + 1;
            index++;
            if (!go) return new SinkResult(consumed, SinkStatus.HandlerStopped);
        }
        return SinkResult.All(batch);
    }
}
