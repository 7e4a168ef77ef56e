using S3Tail.Storage;
using S3Tail.Interop;

namespace S3Tail.Cache;

/// <summary>
/// With the cache off, prefetched objects wait here (same format as cache entries) until written
/// out, then are deleted; the folder itself goes at the end of the run. The folder is made at
/// the first use: a run that spools nothing (plain local files) leaves no trace.
/// </summary>
internal sealed class SpoolFolder(string? parent = null) : IDisposable
{
    private long _next;
    private readonly Lazy<string> _folder = new(() =>
    {
        var folder = Path.Combine(parent ?? Path.GetTempPath(), $"s3tail-spool-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            // The temporary folder must exist already: s3tail makes its own folder inside it, never TMPDIR itself.
            if (!Directory.Exists(Path.GetDirectoryName(folder)))
                throw new DirectoryNotFoundException("it does not exist");
            PrivateFiles.CreateFolder(folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw S3TailException.Runtime(
                $"Cannot make a spool folder in '{parent ?? Path.GetTempPath()}' ({e.Message.TrimEnd('.')}); set TMPDIR to a writable folder.", e);
        }
        return folder;
    });

    public string Folder => _folder.Value;

    /// <summary>A writer for one object and the path to commit it to.</summary>
    public (EntryWriter Writer, string FinalPath) Create(ObjectInfo info) =>
        (EntryFile.Create(Folder, info.ETag, info.Size),
         Path.Combine(Folder, Interlocked.Increment(ref _next).ToString("D8")));

    /// <summary>
    /// A private temporary file in this folder, deleted when closed: where an object that must be
    /// read out of order (a zip's directory, a Parquet footer, both at the end) waits whole.
    /// </summary>
    public FileStream CreateScratch() => CreateScratchIn(Folder);

    /// <inheritdoc cref="CreateScratch"/>
    public static FileStream CreateScratchIn(string folder) =>
        PrivateFiles.CreateNew(Path.Combine(folder, $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}"), 0, FileOptions.DeleteOnClose);

    public void Dispose()
    {
        if (!_folder.IsValueCreated) return;
        try { Directory.Delete(Folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
