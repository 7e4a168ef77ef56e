using S3Tail.Storage;

namespace S3Tail.Cache;

/// <summary>
/// With the cache off, prefetched objects wait here (same format as cache entries) until written
/// out, then are deleted; the folder itself goes at the end of the run.
/// </summary>
public sealed class SpoolFolder : IDisposable
{
    private long _next;

    public SpoolFolder(string? parent = null)
    {
        Folder = Path.Combine(parent ?? Path.GetTempPath(), $"s3tail-spool-{Environment.ProcessId}-{Guid.NewGuid():N}");
        PrivateFiles.CreateFolder(Folder);
    }

    public string Folder { get; }

    /// <summary>A writer for one object and the path to commit it to.</summary>
    public (EntryWriter Writer, string FinalPath) Create(ObjectInfo info) =>
        (EntryFile.Create(Folder, info.ETag, info.Size),
         Path.Combine(Folder, Interlocked.Increment(ref _next).ToString("D8")));

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
