using System.Diagnostics;

namespace S3Tail.Tests.Support;

/// <summary>
/// Runs a bash script the way a user's shell would run s3tail: redirections, pipes and FIFOs are
/// bash's own, and `s3tail` on the PATH is the build under test.
/// </summary>
public static class Shell
{
    public static ProcessStartInfo StartInfo(CliProcess cli, string script, string? workingDirectory = null)
    {
        var psi = cli.StartInfo(["-c", script], workingDirectory);
        psi.FileName = "bash";
        psi.Environment["PATH"] = Path.GetDirectoryName(CliProcess.Executable) + ":" + psi.Environment["PATH"];
        return psi;
    }

    public static Task<CliResult> RunAsync(CliProcess cli, string script, string? workingDirectory = null, TimeSpan? timeout = null) =>
        CliProcess.RunToEndAsync(StartInfo(cli, script, workingDirectory), $"bash -c '{script}'", timeout ?? TimeSpan.FromSeconds(60));

    /// <summary>Quotes a path for a bash script.</summary>
    public static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
