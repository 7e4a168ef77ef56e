using System.Buffers;

namespace S3Tail.Decoding;

/// <summary>
/// A run of one object's bytes, cut so that memory stays bounded whatever the line lengths:
/// usually whole lines, but a line longer than a batch is carried in several batches.
/// <see cref="FirstLine"/> is the (1-based) line the first byte belongs to; the batch holds
/// <see cref="Newlines"/> '\n' bytes, so it completes lines <see cref="FirstLine"/> to
/// <see cref="LastLine"/> (none when <see cref="Newlines"/> is 0). The buffer is rented from the
/// shared pool: whoever consumes the batch last calls <see cref="Return"/>.
///
/// <para>A batch of a filtered object (<c>--grep</c>) holds kept lines only: its line numbers
/// count kept lines, and <see cref="Map"/> turns them back into the object's own line numbers,
/// which is what bookmarks and line handlers see. Its last batch, when written whole, stands for
/// every line examined (<see cref="ExaminedThrough"/>), kept or not.</para>
/// </summary>
public sealed class LineBatch(byte[] buffer, int offset, int length, long firstLine, int newlines, bool startsMidLine = false,
    Decoding.LineMap? map = null, long examinedThrough = 0)
{
    private byte[]? _buffer = buffer;
    private readonly int _offset = offset;

    /// <summary>Kept line → source line, for a filtered object's batch; null otherwise.</summary>
    public Decoding.LineMap? Map { get; } = map;

    /// <summary>For a filtered object: the last source line its filter examined.</summary>
    public long ExaminedThrough { get; } = examinedThrough;

    public long FirstLine { get; } = firstLine;

    /// <summary>'\n' bytes in the batch: lines it completes.</summary>
    public int Newlines { get; } = newlines;

    /// <summary>The last line this batch completes; <see cref="FirstLine"/> − 1 when it completes none.</summary>
    public long LastLine => FirstLine + Newlines - 1;

    /// <summary>The first byte continues a line an earlier batch began.</summary>
    public bool StartsMidLine { get; } = startsMidLine;

    public int Length { get; } = length;

    public ReadOnlySpan<byte> Bytes =>
        (_buffer ?? throw new ObjectDisposedException(nameof(LineBatch))).AsSpan(_offset, Length);

    /// <summary>The same bytes as a filtered object's batch (this one gives up its buffer to it).</summary>
    public LineBatch Mapped(Decoding.LineMap map, long examinedThrough)
    {
        var buffer = Interlocked.Exchange(ref _buffer, null) ?? throw new ObjectDisposedException(nameof(LineBatch));
        return new LineBatch(buffer, _offset, Length, FirstLine, Newlines, StartsMidLine, map, examinedThrough);
    }

    /// <summary>The first <paramref name="lines"/> lines of this batch as a batch of their own (this one gives up its buffer to it).</summary>
    public LineBatch FirstLines(int lines)
    {
        var bytes = Bytes;
        int end = 0;
        for (int i = 0; i < lines; i++) end += bytes[end..].IndexOf((byte)'\n') + 1;
        var buffer = Interlocked.Exchange(ref _buffer, null) ?? throw new ObjectDisposedException(nameof(LineBatch));
        return new LineBatch(buffer, _offset, end, FirstLine, lines, StartsMidLine, Map, ExaminedThrough);
    }

    /// <summary>Lines completed within the first <paramref name="bytes"/> bytes.</summary>
    public int LinesWithin(long bytes) => bytes >= Length ? Newlines : Bytes[..(int)Math.Max(0, bytes)].Count((byte)'\n');

    /// <summary>
    /// The object's line number of the <paramref name="index"/>-th line of this batch (0-based):
    /// its own number, or for a filtered batch the source line the kept line came from.
    /// </summary>
    public long LineNumber(int index) => Map is { } map ? map.SourceLine(FirstLine + index) : FirstLine + index;

    /// <summary>
    /// Where the bookmark stands once the first <paramref name="bytes"/> bytes went out: the last
    /// line they complete, or null when they complete none. A filtered object's last batch
    /// written whole stands for every line its filter examined.
    /// </summary>
    public long? LastLineWithin(long bytes)
    {
        int count = LinesWithin(bytes);
        if (Map is { } map && bytes >= Length && LastLine == map.KeptCount) return ExaminedThrough;
        return count == 0 ? null : LineNumber(count - 1);
    }

    public void Return()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is not null) ArrayPool<byte>.Shared.Return(b);
    }
}
