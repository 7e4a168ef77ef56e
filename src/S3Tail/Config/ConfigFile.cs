namespace S3Tail.Config;

/// <summary>Locating and reading the config file (<c>~/.s3tailrc</c> unless told otherwise).</summary>
public static class ConfigFile
{
    public static string DefaultPath =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".s3tailrc");

    /// <summary>The parsed file; an empty document when it does not exist yet.</summary>
    public static IniDocument Load(string path)
    {
        byte[] bytes;
        if (Directory.Exists(path))
            throw S3TailException.Usage($"The config file '{path}' is a folder; pass a file with -c.");
        try
        {
            if (!File.Exists(path)) return IniDocument.Parse("", path);
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw S3TailException.Usage($"Cannot read the config file '{path}': {e.Message.TrimEnd('.')}; fix its permissions or pass another with -c.");
        }
        return IniDocument.Parse(bytes, path);
    }
}
