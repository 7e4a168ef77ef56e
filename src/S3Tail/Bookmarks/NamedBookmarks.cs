using S3Tail.Cache;
using S3Tail.Config;

namespace S3Tail.Bookmarks;

/// <summary>
/// Bookmarks kept by name in the config file's <c>[bookmarks]</c> section. A save never corrupts
/// the file and never loses another process's work: under an exclusive lock on a companion
/// <c>.lock</c> file it reads the file as it is now, changes one line, writes a temporary file
/// beside it (same mode) and renames that over the original. Every other section, key and
/// comment is kept, and so is whatever another s3tail saved in the meantime.
/// </summary>
public static class NamedBookmarks
{
    public const string Section = "bookmarks";

    /// <summary>How long a save waits for another process's save to finish.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A name is a config key: no separators, brackets or spaces.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => !char.IsWhiteSpace(c) && c is not ('=' or ':' or '[' or ']' or '#' or ';'));

    public static Bookmark? Find(IniDocument config, string name, string configPath)
    {
        var text = config.Get(Section, name);
        if (text is null) return null;
        if (!Bookmark.TryParse(text, out var bookmark, out var error))
            throw S3TailException.Usage($"Config file '{configPath}': the bookmark '{name}' is not KEY:LINE ({error})");
        return bookmark;
    }

    public static void Save(string configPath, string name, Bookmark bookmark)
    {
        string target = ResolveLinks(configPath);
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        using var _ = AcquireLock(target + ".lock");

        var config = ConfigFile.Load(target);
        config.Set(Section, name, bookmark.ToString());

        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using (var file = PrivateFiles.CreateNew(temp, 4096))
            using (var writer = new StreamWriter(file))
            {
                writer.Write(config.ToString());
                writer.Flush();
                file.Flush(flushToDisk: true);
            }
            if (File.Exists(target) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw S3TailException.Runtime($"Cannot save the bookmark '{name}' to '{target}': {e.Message.TrimEnd('.')}.", e);
        }
    }

    /// <summary>Saving through a symlinked config file replaces the file it points to, not the link.</summary>
    private static string ResolveLinks(string path)
    {
        var target = File.Exists(path) ? File.ResolveLinkTarget(path, returnFinalTarget: true) : null;
        return target?.FullName ?? path;
    }

    /// <summary>An exclusive lock (flock on Unix) held while the stream is open.</summary>
    private static FileStream AcquireLock(string lockPath)
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return PrivateFiles.OpenExclusive(lockPath);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
