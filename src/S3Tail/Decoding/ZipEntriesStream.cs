using System.IO.Compression;

namespace S3Tail.Decoding;

/// <summary>
/// The files of a zip archive, one after another in the archive's order, as one stream: what
/// <c>unzip -p</c> prints, each file ending with a line end. A zip's directory is at its end, so the archive is first copied to a
/// scratch file (memory stays bounded whatever its size) and read from there. A file whose
/// content does not end with a line end gets one, so two files' lines never run together.
/// Folders are passed over. A cut archive has no directory and fails before anything is read;
/// each file's CRC-32 is checked at its end (.NET's reader does not); every failure is a
/// <see cref="BrokenContentException"/>, as for a broken gzip.
/// </summary>
internal sealed class ZipEntriesStream : ReadOnlyStream
{
    private readonly Stream _file;
    private readonly ZipArchive _archive;
    private readonly Queue<ZipArchiveEntry> _entries;
    private Stream? _entry;
    private ZipArchiveEntry? _entryInfo;
    private readonly System.IO.Hashing.Crc32 _crc = new();   // of the entry being read, checked at its end as unzip does
    private byte _last = (byte)'\n';   // the last byte handed out: is a line end needed before the next entry?
    private bool _lineEndOwed;

    private ZipEntriesStream(Stream file, ZipArchive archive)
    {
        _file = file;
        _archive = archive;
        _entries = new Queue<ZipArchiveEntry>(archive.Entries.Where(e => !e.FullName.EndsWith('/')));
    }

    public static async Task<Stream> OpenAsync(Stream input, Func<Stream> scratch, CancellationToken cancellationToken)
    {
        var file = scratch();
        try
        {
            await using (input.ConfigureAwait(false))
                await input.CopyToAsync(file, 256 * 1024, cancellationToken).ConfigureAwait(false);
            file.Position = 0;
            ZipArchive archive;
            try
            {
                archive = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            }
            catch (InvalidDataException e)
            {
                throw new BrokenContentException("zip", $"truncated or corrupt ({e.Message.TrimEnd('.')})", e);
            }
            return new ZipEntriesStream(file, archive);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            if (_lineEndOwed)
            {
                _lineEndOwed = false;
                buffer[0] = _last = (byte)'\n';
                return 1;
            }
            if (_entry is null)
            {
                if (!_entries.TryDequeue(out var next)) return 0;
                _entry = Open(next);
                _entryInfo = next;
                _crc.Reset();
            }
            int n;
            try
            {
                n = _entry.Read(buffer);
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException)
            {
                // The method was checked when the entry was opened; .NET's inflater reports broken
                // data as "compressed using an unsupported compression method", which it is not.
                throw new BrokenContentException("zip", $"corrupt: entry '{_entryInfo!.FullName}' holds compressed data that does not inflate", e);
            }
            if (n > 0)
            {
                _crc.Append(buffer[..n]);
                _last = buffer[n - 1];
                return n;
            }
            if (_crc.GetCurrentHashAsUInt32() != _entryInfo!.Crc32)
                throw new BrokenContentException("zip", $"corrupt: entry '{_entryInfo.FullName}' fails its CRC-32 check");
            _entry.Dispose();
            _entry = null;
            _lineEndOwed = _last != '\n';
        }
    }

    private static Stream Open(ZipArchiveEntry entry)
    {
        try
        {
            return entry.Open();
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException)
        {
            throw new BrokenContentException("zip", $"unreadable: entry '{entry.FullName}' ({e.Message.TrimEnd('.')})", e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _entry?.Dispose();
            _archive.Dispose();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }
}
