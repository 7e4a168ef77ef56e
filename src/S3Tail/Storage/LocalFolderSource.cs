namespace S3Tail.Storage;

/// <summary>
/// A local folder used as a bucket: keys are '/'-separated paths relative to it. Objects are read
/// in place (never cached). The listing walks one folder at a time, sorting its entries with a
/// folder named as "name/" — the prefix all its keys share — so the walk yields keys in the same
/// UTF-8 byte order S3 uses ("a-c" before "a/b") without holding the whole tree in memory.
/// </summary>
public sealed class LocalFolderSource(string root) : IObjectSource
{
    public string Root { get; } = Path.GetFullPath(root);

    public string BucketName => Root;

    public string? CacheIdentity => null;

    public Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
            throw S3TailException.Runtime($"The folder '{Root}' does not exist.");
        var page = new List<ObjectInfo>(Math.Min(maxKeys, 1024));
        foreach (var info in Walk(Root, "", prefix, startAfter ?? ""))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (page.Count == maxKeys) return Task.FromResult(new ListPage(page, true));
            page.Add(info);
        }
        return Task.FromResult(new ListPage(page, false));
    }

    public Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken)
    {
        var stream = new FileStream(PathOf(info.Key), new FileStreamOptions
        {
            Mode = FileMode.Open, Access = FileAccess.Read, Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.SequentialScan, BufferSize = 0,
        });
        if (offset > 0) stream.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(stream);
    }

    public string PathOf(string key) => Path.Combine(Root, key);

    public void Dispose() { }

    private static IEnumerable<ObjectInfo> Walk(string dir, string relative, string prefix, string startAfter)
    {
        var entries = new List<(string SortKey, FileSystemInfo Info)>();
        foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos())
        {
            bool isDir = info is DirectoryInfo;
            entries.Add((relative + info.Name + (isDir ? "/" : ""), info));
        }
        entries.Sort((a, b) => Utf8Order.Instance.Compare(a.SortKey, b.SortKey));

        foreach (var (sortKey, info) in entries)
        {
            if (info is DirectoryInfo sub)
            {
                // Every key below starts with sortKey: skip the folder when that range misses the
                // prefix or lies wholly at or before startAfter.
                bool meetsPrefix = sortKey.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(sortKey, StringComparison.Ordinal);
                bool beforeStart = Utf8Order.Instance.Compare(sortKey, startAfter) < 0 && !startAfter.StartsWith(sortKey, StringComparison.Ordinal);
                if (!meetsPrefix || beforeStart) continue;
                foreach (var o in Walk(sub.FullName, sortKey, prefix, startAfter)) yield return o;
            }
            else if (sortKey.StartsWith(prefix, StringComparison.Ordinal) && Utf8Order.Instance.Compare(sortKey, startAfter) > 0)
            {
                var file = (FileInfo)info;
                yield return new ObjectInfo(sortKey, $"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}", file.Length);
            }
        }
    }
}
