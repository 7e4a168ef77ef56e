using System.Buffers.Binary;
using System.Text;
using K4os.Compression.LZ4;
using K4os.Compression.LZ4.Streams;
using S3Tail.Interop;

namespace S3Tail.Cache;

/// <summary>The header of an entry: which object version it holds and how long its parts are.</summary>
internal sealed record EntryHeader(string ETag, long StoredSize, long DecodedLength, long CompressedLength);

/// <summary>The entry is cut short, has a wrong header, or failed a checksum.</summary>
internal sealed class CorruptEntryException(string path, string reason, Exception? inner = null)
    : IOException($"The cache entry '{path}' is corrupt: {reason}.", inner)
{
    public string EntryPath { get; } = path;
}

/// <summary>
/// The on-disk form of a decoded object, shared by cache entries and spool files:
/// <code>
///   "S3TLZ4\0" version(1)  compressedLength(i64) decodedLength(i64) storedSize(i64)
///   etagLength(i32) etag(UTF-8)  LZ4 frame (1 MiB blocks, block and content checksums)
/// </code>
/// The lengths let a reader reject a truncated file before it hands out a single line; the block
/// checksums make a flipped byte fail its block before that block's bytes are handed out (without
/// them LZ4 decodes garbage silently). 1 MiB blocks decode ~2.8 GB/s a core against ~1 GB/s for
/// 64 KiB ones, and L00_FAST encodes ~440 MB/s, faster than any download.
/// </summary>
internal static class EntryFile
{
    private static readonly byte[] Magic = "S3TLZ4\0\u0001"u8.ToArray();
    private const int FixedHeader = 8 + 8 + 8 + 4; // compressed, decoded, stored sizes; ETag length

    private static readonly LZ4EncoderSettings Encoder = new()
    {
        BlockSize = 1024 * 1024,
        CompressionLevel = LZ4Level.L00_FAST,
        BlockChecksum = true,
        ContentChecksum = true,
    };

    /// <summary>
    /// For small objects written whole (<see cref="WriteWhole"/>; most access logs are a few KB):
    /// LZ4's smallest block, 64 KiB. The encoder and decoder each take buffers of a block's size,
    /// and a 1 MiB pair for a 4 KB object was most of what an entry cost in allocation.
    /// </summary>
    private static readonly LZ4EncoderSettings SmallEncoder = new()
    {
        BlockSize = 64 * 1024,
        CompressionLevel = LZ4Level.L00_FAST,
        BlockChecksum = true,
        ContentChecksum = true,
    };

    /// <summary>
    /// Creates a temporary file in <paramref name="folder"/> (mode 0600) for an entry of the given
    /// object; write the decoded bytes to <see cref="EntryWriter.Content"/>, then commit it.
    /// </summary>
    public static EntryWriter Create(string folder, string etag, long storedSize)
    {
        string temp = Path.Combine(folder, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        var file = PrivateFiles.CreateNew(temp);
        return new EntryWriter(temp, file, etag, storedSize);
    }

    /// <summary>
    /// Writes a whole small entry at once: header and frame built in one pooled buffer, one
    /// write to a fresh temporary file, one rename into <paramref name="path"/>. For the few-KB
    /// objects most logs are, this is a fifth of the system calls of <see cref="Create"/>'s stream.
    /// </summary>
    public static void WriteWhole(string folder, string path, string etag, long storedSize, ReadOnlySpan<byte> decoded)
    {
        int headerLength = HeaderLength(etag);
        int blocks = decoded.Length / SmallEncoder.BlockSize + 1;
        // LZ4's bound per block, block headers and checksums, frame header, end mark, content checksum.
        int bound = headerLength + LZ4Codec.MaximumOutputSize(decoded.Length) + blocks * (16 + 8) + 32;
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bound);
        string temp = Path.Combine(folder, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            // K4os takes the source as a Span (it only reads it).
            var source = System.Runtime.InteropServices.MemoryMarshal.CreateSpan(
                ref System.Runtime.InteropServices.MemoryMarshal.GetReference(decoded), decoded.Length);
            int frameLength = decoded.IsEmpty ? 0 : LZ4Frame.Encode(source, buffer.AsSpan(headerLength), SmallEncoder);
            WriteHeader(buffer, new EntryHeader(etag, storedSize, decoded.Length, frameLength));
            using (var file = PrivateFiles.CreateNew(temp))
                RandomAccess.Write(file.SafeFileHandle, buffer.AsSpan(0, headerLength + frameLength), 0);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads only the header, checking it against the file's length. Null when invalid.</summary>
    public static EntryHeader? TryReadHeader(string path)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            return ReadHeader(file, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Opens the decoded content. Throws <see cref="CorruptEntryException"/> at once for a bad
    /// header or length, and while reading for a failed checksum or a short frame.
    /// </summary>
    public static Stream OpenDecoded(string path)
    {
        var file = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
            // Unbuffered: the LZ4 decoder reads whole blocks, and a 64 KiB buffer per open was most
            // of what a small cached object cost in allocations.
            Options = FileOptions.SequentialScan, BufferSize = 0,
        });
        try
        {
            var header = ReadHeader(file, path) ?? throw new CorruptEntryException(path, "its header or length is wrong");
            if (header.CompressedLength == 0)
            {
                // An empty object: the encoder wrote no frame at all.
                file.Dispose();
                return header.DecodedLength == 0 ? Stream.Null : throw new CorruptEntryException(path, "its frame is missing");
            }
            var frame = LZ4Stream.Decode(file, new LZ4DecoderSettings(), leaveOpen: false, interactive: false);
            return new CheckedStream(frame, header.DecodedLength, path);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static EntryHeader? ReadHeader(FileStream file, string path)
    {
        Span<byte> fixedPart = stackalloc byte[Magic.Length + FixedHeader];
        if (file.ReadAtLeast(fixedPart, fixedPart.Length, throwOnEndOfStream: false) < fixedPart.Length) return null;
        if (!fixedPart[..Magic.Length].SequenceEqual(Magic)) return null;
        var p = fixedPart[Magic.Length..];
        long compressed = BinaryPrimitives.ReadInt64LittleEndian(p);
        long decoded = BinaryPrimitives.ReadInt64LittleEndian(p[8..]);
        long stored = BinaryPrimitives.ReadInt64LittleEndian(p[16..]);
        int etagLength = BinaryPrimitives.ReadInt32LittleEndian(p[24..]);
        if (etagLength is < 0 or > 1024 || compressed < 0 || decoded < 0) return null;
        var etag = new byte[etagLength];
        if (file.ReadAtLeast(etag, etagLength, throwOnEndOfStream: false) < etagLength) return null;
        if (file.Length != fixedPart.Length + etagLength + compressed) return null;
        return new EntryHeader(Encoding.UTF8.GetString(etag), stored, decoded, compressed);
    }

    internal static void WriteHeader(FileStream file, EntryHeader header)
    {
        var bytes = new byte[HeaderLength(header.ETag)];
        WriteHeader(bytes, header);
        file.Position = 0;
        file.Write(bytes);
    }

    private static void WriteHeader(Span<byte> bytes, EntryHeader header)
    {
        Magic.CopyTo(bytes);
        var p = bytes[Magic.Length..];
        BinaryPrimitives.WriteInt64LittleEndian(p, header.CompressedLength);
        BinaryPrimitives.WriteInt64LittleEndian(p[8..], header.DecodedLength);
        BinaryPrimitives.WriteInt64LittleEndian(p[16..], header.StoredSize);
        int etagLength = Encoding.UTF8.GetBytes(header.ETag, p[28..]);
        BinaryPrimitives.WriteInt32LittleEndian(p[24..], etagLength);
    }

    internal static int HeaderLength(string etag) => Magic.Length + FixedHeader + Encoding.UTF8.GetByteCount(etag);

    internal static Stream Encode(Stream file) =>
        LZ4Stream.Encode(file, Encoder, leaveOpen: true);

    /// <summary>Turns decoder failures into <see cref="CorruptEntryException"/> and checks the decoded length.</summary>
    private sealed class CheckedStream(Stream frame, long expected, string path) : ReadOnlyStream
    {
        private long _read;

        public override int Read(Span<byte> buffer)
        {
            int n;
            try { n = frame.Read(buffer); }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or ArgumentException or InvalidOperationException)
            {
                throw new CorruptEntryException(path, e.Message.TrimEnd('.'), e);
            }
            _read += n;
            if (_read > expected || (n == 0 && buffer.Length > 0 && _read != expected))
                throw new CorruptEntryException(path, $"it decodes to {_read} bytes, not {expected}");
            return n;
        }

        public override long Length => expected;
        public override long? KnownLength => expected;
        public override long Position { get => _read; set => throw ForwardOnly(); }


        protected override void Dispose(bool disposing)
        {
            if (disposing) frame.Dispose();
            base.Dispose(disposing);
        }
    }
}
