using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;

namespace S3Tail.Decoding;

/// <summary>
/// Where a member ends: its trailer (CRC-32 and length), found in the last piece the inflater
/// took and, where it could match early, proven by inflating the member's few bytes again.
/// </summary>
internal sealed partial class GzipMemberStream
{
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
}
