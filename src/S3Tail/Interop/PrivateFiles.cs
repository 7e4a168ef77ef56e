using System.Runtime.Versioning;

namespace S3Tail.Interop;

/// <summary>
/// Logs are often sensitive: every folder s3tail creates is 0700 and every file 0600, set at
/// creation so there is no moment when another user could open them.
/// </summary>
internal static class PrivateFiles
{
    private const UnixFileMode FileMode600 = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode DirMode700 = FileMode600 | UnixFileMode.UserExecute;

    public static FileStream CreateNew(string path, int bufferSize = 0, FileOptions fileOptions = FileOptions.None)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = bufferSize,
            Options = fileOptions,
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

    /// <summary>
    /// Folders made here are 0700 from the start. A folder that already exists is left as it is:
    /// it may be the user's (<c>--cache-path ~/logs</c>), and its mode is theirs to choose; the
    /// entries inside are 0600 whatever it is.
    /// </summary>
    [UnsupportedOSPlatform("windows")]
    private static void CreateUnixFolder(string path) => Directory.CreateDirectory(path, DirMode700);
}
