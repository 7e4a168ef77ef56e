namespace S3Tail.Tests.Support;

/// <summary>Secrets for the workers' specs, written as an operator must: private to the user (mode 0600).</summary>
public static class SecretFiles
{
    /// <summary>A secret strong enough to be accepted (over 128 bits by the tool's measure).</summary>
    public const string Fleet = "Zq3vN8kR2wXp5LmT7yHc4bJf";

    /// <summary>Another good secret, not <see cref="Fleet"/>.</summary>
    public const string Other = "Wd6sGa9QeU1rKo4VnY8iPx2h";

    public static void Write(string path, string secret)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var writer = new StreamWriter(path, options);
        writer.Write(secret);
    }
}
