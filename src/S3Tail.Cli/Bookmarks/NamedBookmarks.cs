using S3Tail.Cache;
using S3Tail.Cli.Config;
using S3Tail.Interop;
using S3Tail.Bookmarks;

namespace S3Tail.Cli.Bookmarks;

/// <summary>
/// Bookmarks kept by name in the config file's <c>[bookmarks]</c> section. A save never corrupts
/// the file and never loses another process's work: under an exclusive lock on a companion
/// <c>.lock</c> file it reads the file as it is now, changes one line, writes a temporary file
/// beside it (same mode) and renames that over the original. Every other section, key and
/// comment is kept, and so is whatever another s3tail saved in the meantime.
/// </summary>
internal static class NamedBookmarks
{
    public const string Section = "bookmarks";

    /// <summary>How long a save waits for another process's save to finish.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(10);

    /// <summary>A name is a config key: no separators, brackets or spaces.</summary>
    public static bool IsValidName(string name) =>
        name.Length > 0 && name.All(c => !char.IsWhiteSpace(c) && c is not ('=' or ':' or '[' or ']' or '#' or ';'));

    public static Bookmark? Find(IniDocument config, string name, string configPath)
    {
        var stored = config.Get(Section, name);
        if (stored is null) return null;
        if (!StoredValue.TryDecode(stored, out var text))
            throw S3TailException.Usage($"Config file '{configPath}': the bookmark '{name}' has a broken quoted value ({stored}).");
        if (!Bookmark.TryParse(text, out var bookmark, out var error))
            throw S3TailException.Usage($"Config file '{configPath}': the bookmark '{name}' is not KEY:LINE ({error})");
        return bookmark;
    }

    public static void Save(string configPath, string name, Bookmark bookmark)
    {
        string target = ResolveLinks(configPath);
        CheckWritable(configPath, target, name);
        string folder = Path.GetDirectoryName(Path.GetFullPath(target))!;
        string temp = Path.Combine(folder, $".{Path.GetFileName(target)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            using var _ = AcquireLock(target + ".lock", name, target);
            var config = ConfigFile.Load(target);
            config.Set(Section, name, StoredValue.Encode(bookmark.ToString()));
            using (var file = PrivateFiles.CreateNew(temp, 4096))
            {
                file.Write(config.ToBytes());
                file.Flush(flushToDisk: true);
            }
            if (File.Exists(target) && !OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
            File.Move(temp, target, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw S3TailException.Runtime($"Cannot save the bookmark '{name}' to '{target}': {Reason(e)}.", e);
        }
    }

    /// <summary>
    /// Saving replaces the file: only a regular file that may be written is replaced. A device, a
    /// FIFO (<c>-c &lt;(…)</c>) or a read-only file is the user's, not ours to swap for a text file.
    /// </summary>
    private static void CheckWritable(string configPath, string target, string name)
    {
        string shown = configPath == target ? $"'{configPath}'" : $"'{configPath}' (which is '{target}')";
        string? folder = Path.GetDirectoryName(Path.GetFullPath(target));
        if (folder is null || !Directory.Exists(folder))
            throw S3TailException.Runtime($"Cannot save the bookmark '{name}': the folder of the config file {shown} does not exist.");
        var kind = Posix.KindOf(target);
        if (kind is not null and not FileKind.Regular)
            throw S3TailException.Runtime(
                $"Cannot save the bookmark '{name}': the config file {shown} is not a regular file (it is a {Describe(kind.Value)}); pass a regular file with -c.");
        if (File.Exists(target) && !OperatingSystem.IsWindows()
            && ((File.GetUnixFileMode(target) & UnixFileMode.UserWrite) == 0 || !Posix.MayWrite(target)))
            throw S3TailException.Runtime($"Cannot save the bookmark '{name}': the config file {shown} is read-only; make it writable (chmod u+w) or pass another with -c.");
    }

    private static string Describe(FileKind kind) => kind switch
    {
        FileKind.Fifo => "FIFO or pipe",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Directory => "folder",
        FileKind.Socket => "socket",
        _ => "special file",
    };

    private static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied (check the folder's permissions)",
        IOException io when io.HResult == 30 || io.Message.Contains("Read-only file system", StringComparison.OrdinalIgnoreCase) => "the file system is read-only",
        _ => e.Message.TrimEnd('.'),
    };

    /// <summary>Saving through a symlinked config file replaces the file it points to, not the link.</summary>
    private static string ResolveLinks(string path)
    {
        var target = File.Exists(path) ? File.ResolveLinkTarget(path, returnFinalTarget: true) : null;
        // /dev/fd/63 (from <(…)) "links" to "pipe:[N]", which is no path: keep the name given.
        return target is not null && (File.Exists(target.FullName) || Directory.Exists(target.FullName)) ? target.FullName : path;
    }

    /// <summary>An exclusive lock (flock on Unix) held while the stream is open.</summary>
    private static FileStream AcquireLock(string lockPath, string name, string target)
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
            catch (IOException e) when (File.Exists(lockPath))
            {
                throw S3TailException.Runtime(
                    $"Cannot save the bookmark '{name}' to '{target}': another process held '{lockPath}' for over {LockTimeout.TotalSeconds:0} s.", e);
            }
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
