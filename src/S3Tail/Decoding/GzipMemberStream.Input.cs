using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace S3Tail.Decoding;

/// <summary>
/// The input buffer: header bytes taken from it, more read into it, and the pieces handed to the
/// inflater through <see cref="Feed"/>, with where each began (the trailer search starts there).
/// </summary>
internal sealed partial class GzipMemberStream
{
    private async ValueTask SkipZeroTerminated(Crc32 header, bool sync, CancellationToken cancellationToken)
    {
        while (true)
        {
            await Need(1, sync, cancellationToken).ConfigureAwait(false);
            int zero = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)0);
            if (zero >= 0) { Take(zero + 1, header); return; }
            Take(_end - _start, header);
        }
    }

    private void Take(int count, Crc32 header)
    {
        header.Append(_buffer.AsSpan(_start, count));
        _start += count;
    }

    /// <summary>At least <paramref name="count"/> unused bytes in the buffer, or the stream is truncated.</summary>
    private async ValueTask Need(int count, bool sync, CancellationToken cancellationToken)
    {
        await Fill(_start, count, sync, cancellationToken).ConfigureAwait(false);
        if (_end - _start < count) throw Truncated();
    }

    /// <summary>
    /// Reads until the buffer holds <paramref name="count"/> bytes from <paramref name="keep"/>
    /// on, or the input ends, keeping the bytes from <paramref name="keep"/>: they move to the
    /// buffer's front when room is needed. Returns how far they moved back.
    /// </summary>
    private async ValueTask<int> Fill(int keep, int count, bool sync, CancellationToken cancellationToken)
    {
        int moved = 0;
        while (_end - keep < count && !_inputEnded)
        {
            if (_end == _buffer.Length)
            {
                if (keep > 0)
                {
                    Buffer.BlockCopy(_buffer, keep, _buffer, 0, _end - keep);
                    _start -= keep;
                    _end -= keep;
                    if (_fedFrom >= 0) _fedFrom = Math.Max(0, _fedFrom - keep);
                    _dataFrom = _dataFrom >= keep ? _dataFrom - keep : -1;
                    moved += keep;
                    keep = 0;
                }
                else Array.Resize(ref _buffer, _buffer.Length * 2);
            }
            var room = _buffer.AsMemory(_end);
            int n = sync ? _input.Read(room.Span) : await _input.ReadAsync(room, cancellationToken).ConfigureAwait(false);
            if (n == 0) _inputEnded = true;
            _end += n;
        }
        return moved;
    }

    /// <summary>Hands the inflater the buffer's unused bytes, reading more when they run out, and notes where each piece began.</summary>
    private async ValueTask<int> FeedInflater(Memory<byte> destination, bool sync, CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            // All used: read the next bytes into the buffer's front — keeping a member's data
            // while it is short (an empty member's is two bytes), since its end may need checking.
            int keep = _dataFrom;
            if (_dataFrom < 0 || _end - _dataFrom > 4096)
            {
                _start = _end = keep = 0;
                _dataFrom = -1;
            }
            await Fill(keep, _end - keep + 1, sync, cancellationToken).ConfigureAwait(false);
            if (_start == _end) { _fedPastEnd = true; return 0; }
        }
        int n = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination.Span);
        _fedFrom = _start;
        _start += n;
        return n;
    }

    /// <summary>The inflater's input: the enclosing stream's buffer, through <see cref="FeedInflater"/>.</summary>
    private sealed class Feed(GzipMemberStream gzip) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer)
        {
            var array = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
            try
            {
                int n = gzip.FeedInflater(array.AsMemory(0, buffer.Length), sync: true, CancellationToken.None).GetAwaiter().GetResult();
                array.AsSpan(0, n).CopyTo(buffer);
                return n;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(array);
            }
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            gzip.FeedInflater(buffer, sync: false, cancellationToken);
    }
}
