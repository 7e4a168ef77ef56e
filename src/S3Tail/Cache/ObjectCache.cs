using System.Security.Cryptography;
using System.Text;
using S3Tail.Storage;
using S3Tail.Interop;

namespace S3Tail.Cache;

/// <summary>What the cache holds for one version of an object.</summary>
internal enum EntryState
{
    /// <summary>No entry.</summary>
    Missing,
    /// <summary>An entry for another version (the ETag or size changed): fetch again.</summary>
    Stale,
    /// <summary>An entry that is cut short or has a wrong header: fetch again, with a warning.</summary>
    Corrupt,
    /// <summary>An entry for exactly this version.</summary>
    Valid,
}

/// <summary>
/// Decoded objects kept on local disk so a re-run downloads nothing. An entry lives at
/// <c>ROOT/XX/SHA</c>, SHA being the hex SHA-256 of <c>ENDPOINT|BUCKET|KEY</c>, so the same key in
/// two buckets or at two endpoints never collides. An entry is valid for an object while its
/// recorded ETag and size equal the listing's; its modification time is its last use.
/// </summary>
public sealed class ObjectCache(string root, TimeSpan keep)
{
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>How long an entry is kept after its last use.</summary>
    public TimeSpan Keep { get; } = keep;

    internal string EntryPath(string identity, string key)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identity}|{key}")));
        return Path.Combine(Root, sha[..2], sha);
    }

    /// <summary>The entry's path when it holds this version of the object; marks it used unless only peeking.</summary>
    internal string? Lookup(string identity, ObjectInfo info, bool markUsed = true) =>
        Find(identity, info, markUsed) is { State: EntryState.Valid } found ? found.Path : null;

    /// <summary>What the cache holds for this version of the object; marks a valid entry used unless peeking.</summary>
    internal (EntryState State, string Path) Find(string identity, ObjectInfo info, bool markUsed = true)
    {
        string path = EntryPath(identity, info.Key);
        if (!File.Exists(path)) return (EntryState.Missing, path);
        var header = EntryFile.TryReadHeader(path);
        if (header is null) return (EntryState.Corrupt, path);
        if (header.ETag != info.ETag || header.StoredSize != info.Size) return (EntryState.Stale, path);
        if (!markUsed) return (EntryState.Valid, path);
        try { File.SetLastWriteTimeUtc(path, DateTime.UtcNow); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return (EntryState.Missing, path); }
        return (EntryState.Valid, path);
    }

    /// <summary>Writes a whole small entry from memory (see <see cref="EntryFile.WriteWhole"/>).</summary>
    internal void WriteEntry(string entryPath, ObjectInfo info, ReadOnlySpan<byte> decoded)
    {
        string folder = EnsureFolder(entryPath);
        try
        {
            EntryFile.WriteWhole(folder, entryPath, info.ETag, info.Size, decoded);
        }
        catch (Exception e) when (RemovedUnderUs(e, folder))
        {
            EntryFile.WriteWhole(folder, entryPath, info.ETag, info.Size, decoded);
        }
    }

    /// <summary>Creates the root and the entry's folder (0700) and a writer in that folder.</summary>
    internal EntryWriter CreateEntry(string entryPath, ObjectInfo info)
    {
        string folder = EnsureFolder(entryPath);
        try
        {
            return EntryFile.Create(folder, info.ETag, info.Size);
        }
        catch (Exception e) when (RemovedUnderUs(e, folder))
        {
            return EntryFile.Create(folder, info.ETag, info.Size);
        }
    }

    /// <summary>
    /// The shard folder was removed after it was made (another process cleared the cache): true,
    /// having made it again, so the caller tries once more. (.NET reports open()'s ENOENT as
    /// FileNotFoundException naming the file.)
    /// </summary>
    private bool RemovedUnderUs(Exception e, string folder)
    {
        if (e is not (DirectoryNotFoundException or FileNotFoundException) || Directory.Exists(folder)) return false;
        MakeFolders(folder);
        return true;
    }

    /// <summary>
    /// The entry's shard folder, made (or found) once a run, not once an entry. Every writer
    /// waits for that: a file opened in a folder still being made fails with ENOENT, which .NET
    /// reports as FileNotFoundException naming the file.
    /// </summary>
    private string EnsureFolder(string entryPath)
    {
        string folder = Path.GetDirectoryName(entryPath)!;
        _ = _madeFolders.GetOrAdd(folder, static (shard, cache) => new Lazy<bool>(() => cache.MakeFolders(shard)), this).Value;
        return folder;
    }

    private bool MakeFolders(string shard)
    {
        PrivateFiles.CreateFolder(Root);
        PrivateFiles.CreateFolder(shard);
        return true;
    }

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<bool>> _madeFolders = new();

    internal void Remove(string entryPath)
    {
        try { File.Delete(entryPath); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>
    /// Deletes entries unused for longer than <see cref="Keep"/>, and temporary files that a killed
    /// process left (older than a day, so a running download's file is never touched).
    ///
    /// The cache folder may be shared with anything (<c>--cache-path $HOME</c>), so the sweep
    /// touches only what s3tail writes: regular files named as entries (64 hex digits) or as its
    /// temporary files (<c>.tmp-…</c>), inside subfolders named as two hex digits that are
    /// real folders — never a symlink, never anything else, never deeper.
    /// </summary>
    internal int Sweep(DateTime nowUtc)
    {
        if (!Directory.Exists(Root)) return 0;
        int removed = 0;
        var ownTemps = new DirectoryInfo(Root).EnumerateFiles(".tmp-*").Where(IsOurs);
        var folders = new DirectoryInfo(Root).EnumerateDirectories()
            .Where(d => IsShardName(d.Name) && d.LinkTarget is null && (d.Attributes & FileAttributes.ReparsePoint) == 0);
        foreach (var file in ownTemps.Concat(folders.SelectMany(d => d.EnumerateFiles().Where(IsOurs))))
        {
            var age = nowUtc - file.LastWriteTimeUtc;
            bool temp = file.Name.StartsWith(".tmp-", StringComparison.Ordinal);
            if (age > (temp ? TimeSpan.FromDays(1) : Keep))
            {
                try { file.Delete(); removed++; } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            }
        }
        return removed;
    }

    /// <summary>An entry (64 lower-case hex digits) or one of our temporary files; a regular file, not a link.</summary>
    private static bool IsOurs(FileInfo file) =>
        file.LinkTarget is null && (file.Attributes & FileAttributes.ReparsePoint) == 0
        && (Posix.KindOf(file.FullName, followLinks: false) ?? FileKind.Regular) == FileKind.Regular
        && (file.Name.StartsWith(".tmp-", StringComparison.Ordinal) || (file.Name.Length == 64 && file.Name.All(IsLowerHex)));

    private static bool IsShardName(string name) => name.Length == 2 && name.All(IsLowerHex);

    private static bool IsLowerHex(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f';
}
