using System.Runtime.Versioning;

namespace S3Tail.Cache;

/// <summary>
/// Logs are often sensitive: every folder s3tail creates is 0700 and every file 0600, set at
/// creation so there is no moment when another user could open them.
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirMode700 = FileMode600 | UnixFileMode.UserExecute;

    public static FileStream CreateNew(string path, int bufferSize = 0)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = bufferSize,
        };
        if (!OperatingSystem.IsWindows()) SetMode(options);
        return new FileStream(path, options);
    }

    /// <summary>Opens (creating it 0600 if needed) a file no other process may open meanwhile (flock on Unix).</summary>
    public static FileStream OpenExclusive(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows()) SetMode(options);
        return new FileStream(path, options);
    }

    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else CreateUnixFolder(path);
    }

    [UnsupportedOSPlatform("windows")]
    private static void SetMode(FileStreamOptions options) => options.UnixCreateMode = FileMode600;

    [UnsupportedOSPlatform("windows")]
    private static void CreateUnixFolder(string path)
    {
        var info = Directory.CreateDirectory(path, DirMode700);
        // An existing folder keeps its mode; tighten it if it is ours and more open.
        if ((info.UnixFileMode & ~DirMode700) != 0)
        {
            try { info.UnixFileMode = DirMode700; } catch (UnauthorizedAccessException) { }
        }
    }
}
