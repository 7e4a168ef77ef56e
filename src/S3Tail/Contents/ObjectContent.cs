using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Storage;

namespace S3Tail.Contents;

/// <summary>
/// Where a fetched object's decoded bytes wait to be written: a reference to a file, never the
/// bytes themselves, so a message stays small whatever the object's size.
/// </summary>
internal abstract record ObjectContent
{
    /// <summary>Opens the decoded bytes from the start.</summary>
    public abstract Stream OpenDecoded();

    /// <summary>Called once the object is written out (or abandoned).</summary>
    public virtual void Release() { }
}

/// <summary>A cache entry: stays after use.</summary>
internal sealed record CachedContent(string EntryPath) : ObjectContent
{
    public override Stream OpenDecoded() => EntryFile.OpenDecoded(EntryPath);
}

/// <summary>A spool file (cache off): deleted once written out.</summary>
internal sealed record SpooledContent(string SpoolPath) : ObjectContent
{
    public override Stream OpenDecoded() => EntryFile.OpenDecoded(SpoolPath);

    public override void Release()
    {
        try { File.Delete(SpoolPath); } catch (IOException) { }
    }
}

/// <summary>
/// A plain file the source reads in place (a local folder's), opened through the source — so
/// with its checks (never blocking on a FIFO) — and read up to the size it had when listed: a
/// file still growing is read as the snapshot the listing saw (see docs/errors.md, "Local folders").
/// </summary>
internal sealed record InPlaceContent(IObjectSource Source, ObjectInfo Info) : ObjectContent
{
    public override Stream OpenDecoded() =>
        new LimitedStream(Source.OpenReadAsync(Info, 0, CancellationToken.None).GetAwaiter().GetResult(), Info.Size);
}

/// <summary>A small object's decoded bytes, held in memory (see <see cref="ObjectFetcher.SmallStoredBytes"/>).</summary>
internal sealed record InMemoryContent(ReadOnlyMemory<byte> Decoded) : ObjectContent
{
    public override Stream OpenDecoded() => new MemoryReadStream(Decoded);

    private sealed class MemoryReadStream(ReadOnlyMemory<byte> bytes) : ReadOnlyStream
    {
        private readonly long _length = bytes.Length;
        private ReadOnlyMemory<byte> _left = bytes;

        public override long? KnownLength => _length;

        public override int Read(Span<byte> buffer)
        {
            int n = Math.Min(buffer.Length, _left.Length);
            _left.Span[..n].CopyTo(buffer);
            _left = _left[n..];
            return n;
        }
    }
}

/// <summary>
/// Parts of another content: the byte ranges of its decoded bytes a filter kept (see
/// <see cref="Filtering.KeptLines"/>), read in order, what lies between read and dropped. It owns
/// the content it reads (a spool file is deleted when this is released).
/// </summary>
internal sealed record RangeContent(ObjectContent Original, IReadOnlyList<(long Offset, long Length)> Ranges) : ObjectContent
{
    public override Stream OpenDecoded() => new RangeStream(Original.OpenDecoded(), Ranges);

    public override void Release() => Original.Release();

    private sealed class RangeStream(Stream decoded, IReadOnlyList<(long Offset, long Length)> ranges) : ReadOnlyStream
    {
        private readonly byte[] _scratch = new byte[64 * 1024];
        private long _position;   // in the decoded bytes
        private int _range;

        public override long? KnownLength => ranges.Sum(r => r.Length);

        public override int Read(Span<byte> buffer)
        {
            while (_range < ranges.Count)
            {
                var (offset, length) = ranges[_range];
                if (_position >= offset + length)
                {
                    _range++;
                    continue;
                }
                if (_position < offset)
                {
                    int n = decoded.Read(_scratch, 0, (int)Math.Min(_scratch.Length, offset - _position));
                    if (n == 0) throw new InvalidDataException("the object is shorter than when it was filtered");
                    _position += n;
                    continue;
                }
                int read = decoded.Read(buffer[..(int)Math.Min(buffer.Length, offset + length - _position)]);
                if (read == 0) throw new InvalidDataException("the object is shorter than when it was filtered");
                _position += read;
                return read;
            }
            return 0;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) decoded.Dispose();
            base.Dispose(disposing);
        }
    }
}

/// <summary>
/// A filtered object (<c>--grep</c>): only its kept lines, in <see cref="Kept"/>, and
/// <see cref="Map"/> from kept line to source line; <see cref="ExaminedThrough"/> is the last
/// source line the filter examined.
/// </summary>
internal sealed record FilteredContent(ObjectContent Kept, Decoding.LineMap Map, long ExaminedThrough) : ObjectContent
{
    public override Stream OpenDecoded() => Kept.OpenDecoded();

    public override void Release() => Kept.Release();
}
