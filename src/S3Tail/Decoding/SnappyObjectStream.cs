using System.IO.Compression;
using Snappier;

namespace S3Tail.Decoding;

/// <summary>
/// Decompresses Snappy's framing format (what Firehose writes): chunks, each with a masked
/// CRC-32C of its data, which Snappier checks. Snappier ends quietly when its input does, so the
/// input passes through <see cref="ChunkEnds"/> first, which follows the chunk headers and fails
/// when the input ends inside a chunk: a cut object is never taken for a whole one; every failure is a <see cref="BrokenContentException"/>,
/// as for a broken gzip. (A stream cut exactly between two chunks cannot be told from a whole
/// one: the format has no end marker.)
/// </summary>
internal sealed class SnappyObjectStream(Stream input)
    : DecompressorStream(new SnappyStream(new ChunkEnds(input), CompressionMode.Decompress, leaveOpen: false), "Snappy")
{
    protected override string? Broken(Exception e) => e switch
    {
        EndOfStreamException cut when cut.Message == ChunkEnds.Cut => "truncated (it ends inside a chunk)",
        InvalidDataException or InvalidOperationException or ArgumentException =>
            $"corrupt ({e.Message.TrimEnd('.')})",
        _ => null,
    };

    /// <summary>
    /// The stored bytes as they are, with each chunk's header (a type byte, then a 24-bit
    /// little-endian length) followed: the end of the input must fall between two chunks.
    /// </summary>
    private sealed class ChunkEnds(Stream input) : ReadOnlyStream
    {
        public const string Cut = "the input ends inside a chunk";

        private int _headerSeen;      // bytes of the current chunk's 4-byte header read so far
        private int _length;          // the current chunk's length, as its header gives it so far
        private long _dataLeft;       // bytes of the current chunk's data still to come

        public override int Read(Span<byte> buffer) => Follow(buffer[..input.Read(buffer)]);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int n = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Follow(buffer.Span[..n]);
        }

        private int Follow(ReadOnlySpan<byte> read)
        {
            if (read.IsEmpty)
            {
                if (_headerSeen > 0 || _dataLeft > 0) throw new EndOfStreamException(Cut);
                return 0;
            }
            int i = 0;
            while (i < read.Length)
            {
                if (_dataLeft > 0)
                {
                    int skip = (int)Math.Min(_dataLeft, read.Length - i);
                    _dataLeft -= skip;
                    i += skip;
                    continue;
                }
                if (_headerSeen > 0) _length |= read[i] << (8 * (_headerSeen - 1));
                i++;
                if (++_headerSeen == 4)
                {
                    _dataLeft = _length;
                    _headerSeen = 0;
                    _length = 0;
                }
            }
            return read.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) input.Dispose();
            base.Dispose(disposing);
        }
    }
}
