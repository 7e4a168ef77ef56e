using Microsoft.Win32.SafeHandles;
using S3Tail.Interop;

namespace S3Tail.Storage;

/// <summary>
/// A local folder used as a bucket: keys are '/'-separated paths relative to it. Plain files are
/// read in place (never cached); gzip ones are decoded to a spool file first, like S3 objects.
///
/// The listing walks one folder at a time, sorting its entries with a folder named as "name/" —
/// the prefix all its keys share — so the walk yields keys in the same UTF-8 byte order S3 uses
/// ("a-c" before "a/b") without holding the whole tree in memory. Paging continues the same walk
/// when a page starts where the last one ended, so a listing costs one pass, not one per page.
/// Symlinked folders are followed unless they lead back into a folder being walked (a loop);
/// a folder that cannot be read is listed as one unreadable object, so the skip rules apply to it.
/// FIFOs, sockets and devices are never opened for reading in a way that could block.
/// </summary>
public sealed class LocalFolderSource(string root) : IObjectSource
{
    private readonly Lock _gate = new();
    private Walk? _walk;   // the walk the last page came from, to continue it

    public string Root { get; } = Path.GetFullPath(root);

    public string BucketName => Root;

    public string? CacheIdentity => null;

    public bool ReadsInPlace => true;

    public string Describe(string key) => PathOf(key);

    public Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Root))
            throw S3TailException.Runtime($"The folder '{Root}' does not exist.");
        lock (_gate)
        {
            var walk = _walk is { } w && w.Continues(prefix, startAfter) ? w : new Walk(Root, prefix, startAfter ?? "");
            _walk = null;
            var page = new List<ObjectInfo>(Math.Min(maxKeys, 1024));
            while (page.Count < maxKeys && walk.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                page.Add(walk.Current);
            }
            bool more = page.Count == maxKeys && walk.HasMore();
            if (more) _walk = walk;
            else walk.Dispose();
            return Task.FromResult(new ListPage(page, more));
        }
    }

    public Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken)
    {
        if (info.Unreadable is { } reason) throw S3TailException.Runtime(reason);
        string path = PathOf(info.Key);
        var handle = OpenRegularFile(path, info.Key);
        var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        if (offset > 0) stream.Seek(offset, SeekOrigin.Begin);
        return Task.FromResult<Stream>(stream);
    }

    public string PathOf(string key) => Path.Combine(Root, key);

    public void Dispose()
    {
        lock (_gate) _walk?.Dispose();
    }

    private const int ENOENT = 2, EACCES = 13, ENXIO = 6;

    /// <summary>
    /// Opens a file for reading without ever blocking (a FIFO's open waits for a writer), and
    /// refuses anything that is not a regular file.
    /// </summary>
    private static SafeFileHandle OpenRegularFile(string path, string key)
    {
        if (OperatingSystem.IsWindows())
            return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        int fd = Posix.Open(path, Posix.O_RDONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
        if (fd < 0)
        {
            int errno = Posix.Errno;
            if (errno == ENOENT) throw new ObjectMissingException(key, new FileNotFoundException(path));
            if (errno == ENXIO) throw NotRegular(path);
            throw S3TailException.Runtime(errno == EACCES
                ? $"Cannot read '{path}': permission denied."
                : $"Cannot read '{path}': {Posix.Describe(errno)}.");
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Posix.LSeek(fd, 0, Posix.SEEK_CUR) < 0 || Directory.Exists(path))
        {
            handle.Dispose();
            throw NotRegular(path);
        }
        return handle;
    }

    private static S3TailException NotRegular(string path) =>
        S3TailException.Runtime($"'{path}' is not a regular file (a FIFO, socket or folder); it cannot be read as a log.");

    /// <summary>One depth-first walk in key order, resumable across pages.</summary>
    private sealed class Walk : IDisposable
    {
        private readonly string _prefix;
        private readonly IEnumerator<ObjectInfo> _items;
        private ObjectInfo? _peeked;
        private string? _lastKey;

        public Walk(string root, string prefix, string startAfter)
        {
            _prefix = prefix;
            _lastKey = startAfter;
            _items = Items(root, "", prefix, startAfter, [RealPath(root)]).GetEnumerator();
        }

        public ObjectInfo Current { get; private set; } = null!;

        public bool Continues(string prefix, string? startAfter) => prefix == _prefix && startAfter == _lastKey;

        public bool MoveNext()
        {
            if (_peeked is { } p) { _peeked = null; Current = p; _lastKey = p.Key; return true; }
            if (!_items.MoveNext()) return false;
            Current = _items.Current;
            _lastKey = Current.Key;
            return true;
        }

        public bool HasMore()
        {
            if (_peeked is not null) return true;
            if (!_items.MoveNext()) return false;
            _peeked = _items.Current;
            return true;
        }

        public void Dispose() => _items.Dispose();

        private static IEnumerable<ObjectInfo> Items(string dir, string relative, string prefix, string startAfter, HashSet<string> ancestors)
        {
            // Only names are kept while a folder's entries are sorted (a folder may hold 10^5 files);
            // each file is looked at again when its turn comes.
            List<(string SortKey, bool IsFolder)> entries;
            string? unreadable = null;
            try
            {
                entries = [];
                foreach (var info in new DirectoryInfo(dir).EnumerateFileSystemInfos())
                {
                    bool isFolder = info is DirectoryInfo;
                    entries.Add((relative + info.Name + (isFolder ? "/" : ""), isFolder));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                entries = [];
                unreadable = e is UnauthorizedAccessException ? "permission denied" : e.Message.TrimEnd('.');
            }
            if (unreadable is not null)
            {
                // Its keys would sort from here on: report it at its own place in the order.
                if (relative.Length > 0 && Visible(relative, prefix, startAfter))
                    yield return new ObjectInfo(relative, "", 0) { Unreadable = $"Cannot read the folder '{dir}': {unreadable}." };
                yield break;
            }
            entries.Sort((a, b) => Utf8Order.Instance.Compare(a.SortKey, b.SortKey));

            foreach (var (sortKey, isFolder) in entries)
            {
                string name = isFolder ? sortKey[relative.Length..^1] : sortKey[relative.Length..];
                if (isFolder)
                {
                    var sub = new DirectoryInfo(Path.Combine(dir, name));
                    // Every key below starts with sortKey: skip the folder when that range misses the
                    // prefix or lies wholly at or before startAfter.
                    bool meetsPrefix = sortKey.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(sortKey, StringComparison.Ordinal);
                    bool beforeStart = Utf8Order.Instance.Compare(sortKey, startAfter) < 0 && !startAfter.StartsWith(sortKey, StringComparison.Ordinal);
                    if (!meetsPrefix || beforeStart) continue;
                    string real = RealPath(sub.FullName);
                    if (!ancestors.Add(real)) continue; // a symlink back into the walk: a loop
                    foreach (var o in Items(sub.FullName, sortKey, prefix, startAfter, ancestors)) yield return o;
                    ancestors.Remove(real);
                }
                else if (Visible(sortKey, prefix, startAfter))
                {
                    var file = new FileInfo(Path.Combine(dir, name));
                    if (!file.Exists) continue; // gone since the folder was read, or a dangling symlink
                    yield return new ObjectInfo(sortKey, $"{file.Length:x}-{file.LastWriteTimeUtc.Ticks:x}", file.Length);
                }
            }
        }

        private static bool Visible(string key, string prefix, string startAfter) =>
            key.StartsWith(prefix, StringComparison.Ordinal) && Utf8Order.Instance.Compare(key, startAfter) > 0;

        private static string RealPath(string dir)
        {
            try
            {
                var target = new DirectoryInfo(dir).ResolveLinkTarget(returnFinalTarget: true);
                return target is null ? Path.GetFullPath(dir) : RealPath(target.FullName);
            }
            catch (IOException)
            {
                return Path.GetFullPath(dir);
            }
        }
    }
}
