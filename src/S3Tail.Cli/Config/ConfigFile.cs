using S3Tail.Interop;

namespace S3Tail.Cli.Config;

/// <summary>Locating and reading the config file (<c>~/.s3tailrc</c> unless told otherwise).</summary>
internal static class ConfigFile
{
    public static string DefaultPath(string home) => Path.Combine(home, ".s3tailrc");

    /// <summary>The parsed file; an empty document when it does not exist yet.</summary>
    public static IniDocument Load(string path)
    {
        byte[] bytes;
        if (Directory.Exists(path))
            throw S3TailException.Usage($"The config file '{path}' is a folder; pass a file with -c.");
        try
        {
            if (!File.Exists(path)) return IniDocument.Parse("", path);
            bytes = ReadSmallFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw S3TailException.Usage($"Cannot read the config file '{path}': {e.Message.TrimEnd('.')}; fix its permissions or pass another with -c.");
        }
        return IniDocument.Parse(bytes, path);
    }

    /// <summary>The most a config file may hold: it is a few lines; /dev/zero is not a config file.</summary>
    private const int MaxBytes = 1024 * 1024;

    /// <summary>
    /// Reads the file whatever it is — a regular file, <c>&lt;(…)</c>, a FIFO with no writer (empty,
    /// instead of waiting for ever), a device — up to <see cref="MaxBytes"/>.
    /// </summary>
    private static byte[] ReadSmallFile(string path)
    {
        using var handle = OperatingSystem.IsWindows()
            ? File.OpenHandle(path)
            : Posix.OpenForReadingWithoutBlocking(path);
        using var stream = new FileStream(handle, FileAccess.Read, bufferSize: 0);
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = stream.Read(chunk)) > 0)
        {
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxBytes)
                throw S3TailException.Usage($"The config file '{path}' is larger than {MaxBytes / 1024 / 1024} MiB; it cannot be a config file.");
        }
        return buffer.ToArray();
    }
}
