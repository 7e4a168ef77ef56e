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
internal sealed partial class GzipMemberStream : ReadOnlyStream
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

}
