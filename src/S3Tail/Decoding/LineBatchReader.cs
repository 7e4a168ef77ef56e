using System.Buffers;

namespace S3Tail.Decoding;

/// <summary>
/// Cuts a decoded object into batches of about <see cref="BatchBytes"/> bytes that end at a line
/// end whenever the batch holds one. A line longer than a batch is handed out in batch-sized
/// pieces, so memory stays bounded whatever the line lengths; the bookmark moves only over
/// completed lines (<see cref="LineBatch.LastLine"/>). Short reads are normal: the reader keeps
/// reading until a batch is full or the object ends. The last line gets a '\n' if the object
/// lacks one, so objects never run together.
/// </summary>
internal sealed class LineBatchReader : IDisposable
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
    private int _filled;     // bytes held in _buffer, from index 0
    private bool _eof;
    private long _line = 1;  // the line _buffer[0] belongs to
    private bool _midLine;   // part of line _line was already handed out or skipped
    private bool _addedNewline; // the last byte in _buffer is the '\n' added to an unterminated object

    /// <summary>The smallest buffer a reader starts with.</summary>
    private const int MinBuffer = 4096;

    /// <param name="skipThroughLine">lines 1..N are read but not returned (resuming from a bookmark).</param>
    /// <param name="sizeHint">
    /// the decoded size when known: a small object (most access logs are a few KB) then takes a
    /// buffer of its size, not a full batch's, which keeps allocation per object small.
    /// </param>
    public LineBatchReader(Stream decoded, long skipThroughLine = 0, int batchBytes = BatchBytes, long? sizeHint = null)
    {
        _decoded = decoded;
        _batchBytes = batchBytes;
        _skipThroughLine = skipThroughLine;
        int initial = sizeHint is { } size ? (int)Math.Clamp(size + 1, Math.Min(MinBuffer, batchBytes), batchBytes) : batchBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(initial);
    }

    /// <summary>
    /// Where the last batch handed out lies in the decoded object: its first byte's offset, and
    /// how many of its bytes are the object's own (all, or all but a '\n' added at the end).
    /// </summary>
    public (long Offset, int Length) LastBatchSpan { get; private set; }

    /// <summary>Where the next batch starts: decoded bytes consumed so far, and the line state there.</summary>
    public ReaderPosition Position { get; private set; } = new(0, 1, false);

    /// <summary>
    /// A reader over a fresh copy of the same decoded bytes that carries on at
    /// <paramref name="position"/> (healing a cache entry found corrupt mid-object).
    /// </summary>
    public static LineBatchReader ResumeAt(Stream decoded, ReaderPosition position, long skipThroughLine, int batchBytes = BatchBytes)
    {
        var reader = new LineBatchReader(decoded, skipThroughLine, batchBytes);
        long toDrop = position.Offset;
        while (toDrop > 0)
        {
            int n = decoded.Read(reader._buffer, 0, (int)Math.Min(reader._buffer.Length, toDrop));
            if (n == 0) throw new InvalidDataException("the fresh copy is shorter than what was already written");
            toDrop -= n;
        }
        reader._line = position.Line;
        reader._midLine = position.MidLine;
        reader.Position = position;
        return reader;
    }

    /// <summary>The next batch, or null at the end of the object.</summary>
    public LineBatch? Next()
    {
        while (true)
        {
            while (!_eof && _filled < _buffer.Length)
            {
                int r = _decoded.Read(_buffer, _filled, _buffer.Length - _filled);
                if (r == 0) _eof = true;
                else _filled += r;
            }
            // A buffer smaller than a batch (sized for a small object) that filled up: the object
            // was longer than said; grow it towards a batch before cutting anything.
            if (!_eof && _buffer.Length < _batchBytes)
            {
                var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(_batchBytes, _buffer.Length * 2));
                _buffer.AsSpan(0, _filled).CopyTo(bigger);
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = bigger;
                continue;
            }

            if (_filled == 0)
            {
                if (!_midLine) return null;
                // The object ended inside a line already (partly) handed out: complete it.
                _buffer[_filled++] = (byte)'\n';
                _addedNewline = true;
            }
            else if (_eof && _buffer[_filled - 1] != '\n' && _filled < _buffer.Length)
            {
                _buffer[_filled++] = (byte)'\n';
                _addedNewline = true;
            }

            int nl = _buffer.AsSpan(0, _filled).LastIndexOf((byte)'\n');
            // Whole lines when there is a line end; else the buffer is full of one long line
            // (or the object's unterminated tail): hand it all out.
            int end = nl >= 0 ? nl + 1 : _filled;
            var batch = Cut(end);
            if (batch is not null) return batch;
        }
    }

    /// <summary>
    /// Hands out bytes [0, end) less the lines still to skip, and keeps the rest in a fresh
    /// buffer. Null when everything in the range was skipped.
    /// </summary>
    private LineBatch? Cut(int end)
    {
        var full = _buffer;
        var span = full.AsSpan(0, end);
        long line = _line;
        bool midLine = _midLine;
        int start = 0;
        while (line <= _skipThroughLine && start < end)
        {
            int nl = span[start..].IndexOf((byte)'\n');
            if (nl < 0) { start = end; midLine = true; break; }
            start += nl + 1;
            line++;
            midLine = false;
        }
        int newlines = span[start..].Count((byte)'\n');
        var batchStartsMid = midLine;

        _line = line + newlines;
        _midLine = span[^1] != '\n';
        int consumed = _addedNewline && end == _filled ? end - 1 : end;
        LastBatchSpan = (Position.Offset + start, consumed - start);
        Position = new ReaderPosition(Position.Offset + consumed, _line, _midLine);

        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(full.Length, _filled - end));
        full.AsSpan(end, _filled - end).CopyTo(_buffer);
        _filled -= end;

        if (start == end)
        {
            ArrayPool<byte>.Shared.Return(full);
            return null;
        }
        return new LineBatch(full, start, end - start, line, newlines, batchStartsMid);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0) ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        _decoded.Dispose();
    }
}

/// <summary>A place in a decoded object: bytes consumed, the line there, and whether it is inside that line.</summary>
internal readonly record struct ReaderPosition(long Offset, long Line, bool MidLine);
