using System.Buffers;

namespace S3Tail.Decoding;

/// <summary>
/// Whole lines of one object, lines <see cref="FirstLine"/> to <see cref="LastLine"/> (1-based,
/// inclusive), every one ending in '\n'. The buffer is rented from the shared pool: whoever
/// consumes the batch last calls <see cref="Return"/>.
/// </summary>
public sealed class LineBatch(byte[] buffer, int offset, int length, long firstLine, long lastLine)
{
    private byte[]? _buffer = buffer;

    public long FirstLine { get; } = firstLine;
    public long LastLine { get; } = lastLine;
    public int Length { get; } = length;

    public ReadOnlySpan<byte> Bytes =>
        (_buffer ?? throw new ObjectDisposedException(nameof(LineBatch))).AsSpan(offset, Length);

    public void Return()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
