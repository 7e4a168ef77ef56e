namespace S3Tail.Cache;

/// <summary>
/// An entry being written to a temporary file. <see cref="Commit"/> completes it and renames it
/// into place, so a reader never sees a partial entry; disposing an uncommitted writer deletes it.
/// </summary>
internal sealed class EntryWriter : IDisposable
{
    private readonly FileStream _file;
    private readonly string _etag;
    private readonly long _storedSize;
    private readonly CountingStream _content;
    private string? _tempPath;

    internal EntryWriter(string tempPath, FileStream file, string etag, long storedSize)
    {
        _tempPath = tempPath;
        _file = file;
        _etag = etag;
        _storedSize = storedSize;
        // Room for the header, written last once the lengths are known.
        _file.SetLength(EntryFile.HeaderLength(etag));
        _file.Position = _file.Length;
        _content = new CountingStream(EntryFile.Encode(_file));
    }

    /// <summary>Write the decoded bytes here.</summary>
    public Stream Content => _content;

    /// <summary>Finishes the frame, writes the header, and renames the file to <paramref name="path"/>.</summary>
    public void Commit(string path)
    {
        _content.Dispose();
        long compressed = _file.Length - EntryFile.HeaderLength(_etag);
        EntryFile.WriteHeader(_file, new EntryHeader(_etag, _storedSize, _content.Written, compressed));
        _file.Flush();
        _file.Dispose();
        File.Move(_tempPath!, path, overwrite: true);
        _tempPath = null;
    }

    public void Dispose()
    {
        if (_tempPath is null) return;
        try { _content.Dispose(); } catch (IOException) { }
        _file.Dispose();
        try { File.Delete(_tempPath); } catch (IOException) { }
        _tempPath = null;
    }

    private sealed class CountingStream(Stream inner) : Stream
    {
        public long Written { get; private set; }
        public override void Write(ReadOnlySpan<byte> buffer) { inner.Write(buffer); Written += buffer.Length; }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Written += buffer.Length;
        }
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw AppendOnly(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw AppendOnly();
        public override long Seek(long offset, SeekOrigin origin) => throw AppendOnly();
        public override void SetLength(long value) => throw AppendOnly();

        // Stream's contract for an append-only writer (CanRead and CanSeek say so).
        private static NotSupportedException AppendOnly() =>
            new("A cache entry's content is written once, in order: it cannot be read, seeked or resized.");
        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
