using System.Buffers;
using S3Tail.Pipeline;
using S3Tail.Contents;

namespace S3Tail.Filtering;

/// <summary>
/// The kept lines of one object as the filter finds them, held two ways at once until one wins:
/// a copy of their bytes, while it stays under <see cref="InMemoryLimit"/> (a search keeping few
/// lines: nothing to read again), and always the byte ranges they occupy in the decoded object,
/// merged where they touch (a filter keeping most lines, like <c>-v</c>: the object is read
/// again through <see cref="RangeContent"/>, skipping what was dropped, instead of copying a
/// gigabyte it already had). Memory stays bounded either way: the copy by the limit, the ranges
/// by the runs of dropped lines.
/// </summary>
internal sealed class KeptLines
{
    /// <summary>Kept bytes copied per object before it falls back to ranges; prefetch × this is the most a run holds.</summary>
    internal static int InMemoryLimit { get; set; } = 1024 * 1024;

    private readonly int _limit = InMemoryLimit;
    private ArrayBufferWriter<byte>? _copy = new();
    private readonly List<(long Offset, long Length)> _ranges = [];

    /// <summary>
    /// A kept line: its bytes (with their '\n'), and where they are in the decoded object
    /// (<paramref name="decodedLength"/> excludes a '\n' the reader added to an unterminated object).
    /// </summary>
    public void Add(ReadOnlySpan<byte> bytes, long decodedOffset, long decodedLength)
    {
        if (_ranges.Count > 0 && _ranges[^1] is var last && last.Offset + last.Length == decodedOffset)
            _ranges[^1] = (last.Offset, last.Length + decodedLength);
        else
            _ranges.Add((decodedOffset, decodedLength));
        if (_copy is null) return;
        if (_copy.WrittenCount + bytes.Length > _limit) _copy = null;
        else _copy.Write(bytes);
    }

    /// <summary>The kept lines as content: the copy when it is whole, else <paramref name="original"/> read through the ranges.</summary>
    public ObjectContent ToContent(ObjectContent original) =>
        _copy is not null ? new InMemoryContent(_copy.WrittenMemory) : new RangeContent(original, _ranges);
}
