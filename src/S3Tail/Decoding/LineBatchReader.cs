using System.Buffers;

namespace S3Tail.Decoding;

/// <summary>
/// Cuts a decoded object into batches of whole lines of about <see cref="BatchBytes"/> bytes.
/// A batch never ends inside a line, so a bookmark taken after any batch is exact; a line longer
/// than a batch grows that one batch until its newline arrives. The last line gets a '\n' if the
/// object lacks one, so objects never run together.
/// </summary>
public sealed class LineBatchReader : IDisposable
{
    /// <summary>
    /// Target bytes a batch. 256 KiB keeps a write to stdout one large syscall while a few batches
    /// in flight stay far below any memory concern.
    /// </summary>
    public const int BatchBytes = 256 * 1024;

    private readonly Stream _decoded;
    private readonly int _batchBytes;
    private readonly long _skipThroughLine;
    private byte[] _buffer;
    private int _filled;   // bytes held in _buffer, from index 0
    private bool _eof;
    private long _nextLine = 1;

    /// <param name="skipThroughLine">lines 1..N are read but not returned (resuming from a bookmark).</param>
    public LineBatchReader(Stream decoded, long skipThroughLine = 0, int batchBytes = BatchBytes)
    {
        _decoded = decoded;
        _batchBytes = batchBytes;
        _skipThroughLine = skipThroughLine;
        _buffer = ArrayPool<byte>.Shared.Rent(batchBytes);
    }

    /// <summary>The next batch, or null at the end of the object.</summary>
    public LineBatch? Next()
    {
        int scanned = 0; // bytes [0, scanned) hold no '\n' (a line longer than the buffer)
        while (true)
        {
            while (!_eof && _filled < _batchBytes)
                if (!ReadMore()) break;

            int nl = _buffer.AsSpan(scanned, _filled - scanned).LastIndexOf((byte)'\n');
            if (nl >= 0)
            {
                var batch = Cut(scanned + nl + 1);
                if (batch is not null) return batch;
                scanned = 0;
                continue;
            }
            if (_eof)
            {
                if (_filled == 0) return null;
                Grow(1);
                _buffer[_filled++] = (byte)'\n';
                var last = Cut(_filled);
                if (last is not null) return last;
                continue;
            }
            scanned = _filled;
            Grow(_buffer.Length);
            ReadMore();
        }
    }

    private bool ReadMore()
    {
        int r = _decoded.Read(_buffer, _filled, _buffer.Length - _filled);
        if (r == 0) { _eof = true; return false; }
        _filled += r;
        return true;
    }

    /// <summary>
    /// Hands out the lines in bytes [0, end) — less those still to skip — and keeps the rest in a
    /// fresh buffer. Null when every line in the range was skipped.
    /// </summary>
    private LineBatch? Cut(int end)
    {
        var full = _buffer;
        var lines = full.AsSpan(0, end);
        int count = lines.Count((byte)'\n');
        long first = _nextLine;
        _nextLine += count;

        int start = 0;
        if (_skipThroughLine >= first)
        {
            long skip = Math.Min(count, _skipThroughLine - first + 1);
            for (long i = 0; i < skip; i++) start += lines[start..].IndexOf((byte)'\n') + 1;
            first += skip;
        }

        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_batchBytes, _filled - end));
        full.AsSpan(end, _filled - end).CopyTo(_buffer);
        _filled -= end;

        if (start == end)
        {
            ArrayPool<byte>.Shared.Return(full);
            return null;
        }
        return new LineBatch(full, start, end - start, first, _nextLine - 1);
    }

    private void Grow(int extra)
    {
        if (_buffer.Length - _filled >= extra) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _filled + extra));
        _buffer.AsSpan(0, _filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _decoded.Dispose();
    }
}
