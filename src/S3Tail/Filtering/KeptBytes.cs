using System.Buffers;
using S3Tail.Cache;
using S3Tail.Pipeline;

namespace S3Tail.Filtering;

/// <summary>
/// The kept lines of one object as the filter produces them: in memory while they are few (the
/// usual case for a search), in a private spool file once they pass <see cref="InMemoryLimit"/>
/// (<c>-v</c>, or a pattern that matches most lines), so memory stays bounded either way.
/// </summary>
internal sealed class KeptBytes(SpoolFolder spool) : IDisposable
{
    /// <summary>Kept bytes held in memory per object; prefetch × this is the most a run holds.</summary>
    public const int InMemoryLimit = 1024 * 1024;

    private ArrayBufferWriter<byte>? _memory = new();
    private FileStream? _file;
    private string? _path;

    public long Length { get; private set; }

    public void Write(ReadOnlySpan<byte> bytes)
    {
        Length += bytes.Length;
        if (_file is null && _memory!.WrittenCount + bytes.Length > InMemoryLimit)
        {
            _path = Path.Combine(spool.Folder, $"kept-{Guid.NewGuid():N}");
            _file = PrivateFiles.CreateNew(_path, 256 * 1024);
            _file.Write(_memory.WrittenSpan);
            _memory = null;
        }
        if (_file is not null) _file.Write(bytes);
        else _memory!.Write(bytes);
    }

    /// <summary>The kept bytes as content the sequencer reads; this object no longer owns them.</summary>
    public ObjectContent Detach()
    {
        if (_file is null) return new InMemoryContent(_memory!.WrittenMemory);
        _file.Dispose();
        _file = null;
        var content = new RawSpoolContent(_path!);
        _path = null;
        return content;
    }

    /// <summary>Deletes a spool file not handed on (the filter failed or was stopped).</summary>
    public void Dispose()
    {
        _file?.Dispose();
        if (_path is not null)
            try { File.Delete(_path); } catch (IOException) { }
    }
}
