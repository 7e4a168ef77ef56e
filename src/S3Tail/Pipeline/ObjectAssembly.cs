using S3Tail.Cache;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Pipeline;

/// <summary>
/// One object's decoded bytes (or kept lines) as they arrive from a worker, chunk by chunk: held
/// in memory while small, and once past <see cref="InMemoryLimit"/> written to a spool file, as
/// the run's own downloaders would, so a run's memory does not grow with the size of a worker's
/// objects.
/// </summary>
internal sealed class ObjectAssembly(ObjectInfo info, SpoolFolder spool) : IDisposable
{
    /// <summary>Past this many bytes an object goes to a spool file.</summary>
    public const int InMemoryLimit = 4 * 1024 * 1024;

    private readonly List<byte[]> _parts = [];
    private long _length;
    private EntryWriter? _writer;
    private string? _path;

    public void Add(byte[] bytes)
    {
        if (_writer is null && _length + bytes.Length > InMemoryLimit)
        {
            (_writer, _path) = spool.Create(info);
            foreach (var part in _parts) _writer.Content.Write(part);
            _parts.Clear();
        }
        if (_writer is not null) _writer.Content.Write(bytes);
        else _parts.Add(bytes);
        _length += bytes.Length;
    }

    /// <summary>The whole object, to hand to the sequencer; the assembly is spent.</summary>
    public ObjectContent Finish()
    {
        if (_writer is not null)
        {
            _writer.Commit(_path!);
            _writer.Dispose();
            _writer = null;
            return new SpooledContent(_path!);
        }
        // One chunk (the common case) is handed on as it is; several are joined once.
        byte[] bytes = _parts.Count == 1 ? _parts[0] : Joined();
        _parts.Clear();
        return new InMemoryContent(bytes);
    }

    private byte[] Joined()
    {
        var bytes = new byte[_length];
        int at = 0;
        foreach (var part in _parts)
        {
            part.CopyTo(bytes, at);
            at += part.Length;
        }
        return bytes;
    }

    /// <summary>Drops what arrived (the worker was lost or failed); a spool file begun is deleted.</summary>
    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
        _parts.Clear();
    }
}
