using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace S3Tail.Decoding;

/// <summary>
/// Gunzips member by member with the runtime's inflater (zlib-ng inside .NET's
/// <see cref="DeflateStream"/>, more than twice as fast as the system zlib here), parsing the
/// gzip wrapper itself: unlike .NET's GZipStream, which ends quietly when its input does and
/// ignores what follows the last member, it fails on a stream cut short and checks every
/// member's CRC-32 and length. Concatenated members (what `cat a.gz b.gz` makes) are read one
/// after another; anything after the last member other than another member or zero padding is
/// an error, as it is for zcat.
///
/// Input is read asynchronously (a download must not hold a thread-pool thread while it waits
/// for the network); inflating between reads is plain CPU work.
/// </summary>
/// <remarks>
/// A raw <see cref="DeflateStream"/> reads its input ahead and does not say where the deflate
/// data ended, so the input goes to it through <see cref="Feed"/>, which remembers the last
/// piece handed over: the inflater asks for input only when it has used all it had, so the
/// data ended inside that piece, and the member's trailer — the CRC-32 and length of what was
/// just inflated, both known here — is found there. (Eight bytes of deflate data equal to the
/// trailer by chance, inside that one piece, is a 1 in 2^64 event per position; a trailer of one
/// repeated byte — an empty member's eight zeros — is also checked where it overlaps the end of
/// the deflate data, by inflating the member again, which is then a few bytes.)
/// </remarks>
internal sealed class GzipMemberStream : ReadOnlyStream
{
    private const int InputBytes = 64 * 1024;
    private const int TrailerBytes = 8;

    private readonly Stream _input;
    private byte[] _buffer = new byte[InputBytes];
    private int _start, _end;          // the bytes read from the input and not yet used
    private bool _inputEnded;
    private int _fedFrom = -1;         // where in the buffer the last piece handed to the inflater began
    private int _dataFrom = -1;        // where in the buffer this member's deflate data began, while it is there
    private bool _fedPastEnd;          // the inflater asked for more after the input ended
    private DeflateStream? _member;    // the member being inflated, if any
    private readonly Crc32 _crc = new();
    private uint _size;
    private bool _first = true;        // no member read yet: the stream starts with one
    private bool _ended;

    public GzipMemberStream(Stream input) => _input = input;

    public override int Read(Span<byte> buffer)
    {
        var array = System.Buffers.ArrayPool<byte>.Shared.Rent(buffer.Length);
        try
        {
            int n = ReadCore(array.AsMemory(0, buffer.Length), sync: true, CancellationToken.None).GetAwaiter().GetResult();
            array.AsSpan(0, n).CopyTo(buffer);
            return n;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCore(buffer, sync: false, cancellationToken);

    /// <summary>Reads synchronously throughout when <paramref name="sync"/> (the task is then complete on return).</summary>
    private async ValueTask<int> ReadCore(Memory<byte> output, bool sync, CancellationToken cancellationToken)
    {
        if (output.IsEmpty) return 0;
        while (!_ended)
        {
            if (_member is null)
            {
                if (!await StartMember(sync, cancellationToken).ConfigureAwait(false)) { _ended = true; break; }
            }
            int n;
            try
            {
                n = sync ? _member!.Read(output.Span) : await _member!.ReadAsync(output, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                throw new InvalidDataException("the gzip data is corrupt (invalid deflate data)");
            }
            if (n > 0)
            {
                _crc.Append(output.Span[..n]);
                _size += (uint)n;
                return n;
            }
            if (_fedPastEnd) throw Truncated();
            await EndMember(sync, cancellationToken).ConfigureAwait(false);
        }
        return 0;
    }

    /// <summary>
    /// Reads a member's header and makes its inflater; false at the clean end of the stream
    /// (nothing, or only zero padding, after the last member).
    /// </summary>
    private async ValueTask<bool> StartMember(bool sync, CancellationToken cancellationToken)
    {
        await Fill(_start, 1, sync, cancellationToken).ConfigureAwait(false);
        if (_end == _start)
        {
            if (_first) throw Truncated();
            return false;
        }
        if (!_first && _buffer[_start] == 0)
        {
            // gzip ignores zero bytes after the last member (tape blocks, padded uploads), and
            // only those: anything else there makes zcat fail, and so it does here.
            while (true)
            {
                if (_buffer.AsSpan(_start, _end - _start).ContainsAnyExcept((byte)0)) throw After();
                _start = _end;
                await Fill(_start, 1, sync, cancellationToken).ConfigureAwait(false);
                if (_end == _start) return false;
            }
        }
        var header = new Crc32();
        await Fill(_start, 10, sync, cancellationToken).ConfigureAwait(false);
        if (_end - _start < 2 || _buffer[_start] != 0x1f || _buffer[_start + 1] != 0x8b)
            throw _first ? Corrupt("not gzip data") : After();
        if (_end - _start < 10) throw Truncated();
        if (_buffer[_start + 2] != 8) throw Corrupt($"unknown compression method {_buffer[_start + 2]}");
        byte flags = _buffer[_start + 3];
        if ((flags & 0xe0) != 0) throw Corrupt("reserved header flags are set");
        Take(10, header);
        if ((flags & 0x04) != 0)   // FEXTRA: a length, then that many bytes
        {
            await Need(2, sync, cancellationToken).ConfigureAwait(false);
            int extra = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_start, 2));
            Take(2, header);
            while (extra > 0)
            {
                await Need(1, sync, cancellationToken).ConfigureAwait(false);
                int n = Math.Min(extra, _end - _start);
                Take(n, header);
                extra -= n;
            }
        }
        if ((flags & 0x08) != 0) await SkipZeroTerminated(header, sync, cancellationToken).ConfigureAwait(false);   // FNAME
        if ((flags & 0x10) != 0) await SkipZeroTerminated(header, sync, cancellationToken).ConfigureAwait(false);   // FCOMMENT
        if ((flags & 0x02) != 0)   // FHCRC: the low 16 bits of the header's CRC-32
        {
            await Need(2, sync, cancellationToken).ConfigureAwait(false);
            if (BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(_start, 2)) != (ushort)header.GetCurrentHashAsUInt32())
                throw Corrupt("the header's CRC does not match");
            _start += 2;
        }
        _first = false;
        _fedFrom = -1;
        _dataFrom = _start;
        _fedPastEnd = false;
        _crc.Reset();
        _size = 0;
        _member = new DeflateStream(new Feed(this), CompressionMode.Decompress, leaveOpen: false);
        return true;
    }

    /// <summary>The member's deflate data ended: finds and checks its trailer, which ends the member.</summary>
    private async ValueTask EndMember(bool sync, CancellationToken cancellationToken)
    {
        Span<byte> trailer = stackalloc byte[TrailerBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], _size);
        byte[] expected = trailer.ToArray();
        // The deflate data ended inside the last piece the inflater took, [from, _start).
        int from = _fedFrom < 0 ? _start : _fedFrom;
        int searchEnd = _start + TrailerBytes;
        int offset = await Fill(from, searchEnd - from, sync, cancellationToken).ConfigureAwait(false);
        from -= offset;
        searchEnd -= offset;
        var window = _buffer.AsSpan(from, Math.Min(searchEnd, _end) - from);
        int at = window.IndexOf(expected);
        // A trailer of one repeated byte — an empty member's eight zeros — can also match where it
        // overlaps the end of the deflate data (03 00 and seven of its zeros): then the data's end
        // is found for certain, by inflating the member's data again up to each match in turn.
        if (at >= 0 && _dataFrom >= 0 && (!expected.AsSpan().ContainsAnyExcept(expected[0]) || window[(at + 1)..].IndexOf(expected) >= 0))
            at = FirstEnd(window, expected, from);
        if (at < 0)
        {
            if (_end < searchEnd && _inputEnded) throw Truncated();
            throw Corrupt("a member's CRC-32 or length does not match its data");
        }
        _start = from + at + TrailerBytes;
        _member!.Dispose();
        _member = null;
    }

    /// <summary>
    /// The first match of <paramref name="expected"/> in <paramref name="window"/> (which starts at
    /// <paramref name="from"/> in the buffer) where the member's deflate data, inflated again from
    /// its start, ends exactly; -1 when at none.
    /// </summary>
    private int FirstEnd(ReadOnlySpan<byte> window, byte[] expected, int from)
    {
        for (int at = window.IndexOf(expected), next; at >= 0; at = next < 0 ? -1 : at + 1 + next)
        {
            if (EndsAt(from + at)) return at;
            next = window[(at + 1)..].IndexOf(expected);
        }
        return -1;
    }

    /// <summary>Whether the deflate data from <see cref="_dataFrom"/> to <paramref name="end"/> is whole: inflated, it ends without asking for more.</summary>
    private bool EndsAt(int end)
    {
        var data = new ExactBytes(_buffer.AsMemory(_dataFrom, end - _dataFrom));
        try
        {
            using var inflate = new DeflateStream(data, CompressionMode.Decompress, leaveOpen: true);
            Span<byte> sink = stackalloc byte[4096];
            while (inflate.Read(sink) > 0) { }
        }
        catch (InvalidDataException)
        {
            return false;
        }
        return !data.AskedPastEnd;
    }

    /// <summary>Some bytes, noting whether a reader asked for more after they were all read.</summary>
    private sealed class ExactBytes(ReadOnlyMemory<byte> bytes) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _rest = bytes;

        public bool AskedPastEnd { get; private set; }

        public override int Read(Span<byte> buffer)
        {
            if (_rest.IsEmpty) { AskedPastEnd = true; return 0; }
            int n = Math.Min(buffer.Length, _rest.Length);
            _rest.Span[..n].CopyTo(buffer);
            _rest = _rest[n..];
            return n;
        }
    }

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

    private static InvalidDataException Truncated() => new("the gzip data is truncated (it ends inside a member)");

    private static InvalidDataException After() => new("unexpected bytes after the end of the gzip data");

    private static InvalidDataException Corrupt(string detail) => new($"the gzip data is corrupt ({detail})");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _member?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
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
