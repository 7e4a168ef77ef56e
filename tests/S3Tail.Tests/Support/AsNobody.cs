namespace S3Tail.Tests.Support;

/// <summary>
/// Runs s3tail as the unprivileged user nobody, for the specs about permissions: root reads and
/// writes everything, so those paths are only reached as someone else.
/// </summary>
public static class AsNobody
{
    /// <summary>Put before `s3tail` in a shell script.</summary>
    public const string Prefix = "setpriv --reuid=65534 --regid=65534 --clear-groups";

    /// <summary>The reason a spec that needs it is reported skipped.</summary>
    public const string Unavailable = "needs root, setpriv and a build readable by the user nobody";

    /// <summary>
    /// True where the suite can do it: as root, with setpriv, and with the build output readable
    /// by everyone (a checkout under a private folder such as /root is not). Elsewhere the specs
    /// that need it are reported skipped.
    /// </summary>
    public static async Task<bool> AvailableAsync()
    {
        if (Environment.UserName != "root" || !File.Exists("/usr/bin/setpriv")) return false;
        var home = Directory.CreateTempSubdirectory("s3tail-nobody-").FullName;
        try
        {
            File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111);
            var r = await Shell.RunAsync(new CliProcess(home), $"{Prefix} s3tail --version");
            return r.ExitCode == 0;
        }
        finally
        {
            Directory.Delete(home, true);
        }
    }
}
