using System.Buffers;

namespace S3Tail.Decoding;

/// <summary>
/// A run of one object's bytes, cut so that memory stays bounded whatever the line lengths:
/// usually whole lines, but a line longer than a batch is carried in several batches.
/// <see cref="FirstLine"/> is the (1-based) line the first byte belongs to; the batch holds
/// <see cref="Newlines"/> '\n' bytes, so it completes lines <see cref="FirstLine"/> to
/// <see cref="LastLine"/> (none when <see cref="Newlines"/> is 0). The buffer is rented from the
/// shared pool: whoever consumes the batch last calls <see cref="Return"/>.
/// </summary>
public sealed class LineBatch(byte[] buffer, int offset, int length, long firstLine, int newlines, bool startsMidLine = false)
{
    private byte[]? _buffer = buffer;

    public long FirstLine { get; } = firstLine;

    /// <summary>'\n' bytes in the batch: lines it completes.</summary>
    public int Newlines { get; } = newlines;

    /// <summary>The last line this batch completes; <see cref="FirstLine"/> − 1 when it completes none.</summary>
    public long LastLine => FirstLine + Newlines - 1;

    /// <summary>The first byte continues a line an earlier batch began.</summary>
    public bool StartsMidLine { get; } = startsMidLine;

    public int Length { get; } = length;

    public ReadOnlySpan<byte> Bytes =>
        (_buffer ?? throw new ObjectDisposedException(nameof(LineBatch))).AsSpan(offset, Length);

    /// <summary>
    /// The last line completed within the first <paramref name="bytes"/> bytes (a write cut
    /// short), or null when those bytes complete no line.
    /// </summary>
    public long? LastLineWithin(long bytes)
    {
        int count = bytes >= Length ? Newlines : Bytes[..(int)Math.Max(0, bytes)].Count((byte)'\n');
        return count == 0 ? null : FirstLine + count - 1;
    }

    public void Return()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
