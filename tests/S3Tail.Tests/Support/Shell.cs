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

    /// <summary>The words bash makes of <paramref name="arguments"/> (its quoting and escapes), to run them in-process.</summary>
    public static async Task<string[]> WordsAsync(string arguments)
    {
        var result = await RunAsync(new CliProcess(), $"printf '%s\\0' {arguments}");
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StdoutText.Split('\0')[..^1];
    }

    /// <summary>What <paramref name="command"/> (grep, say) writes when <paramref name="input"/> is piped into it.</summary>
    public static async Task<CliResult> PipeAsync(byte[] input, string command)
    {
        string file = Path.Combine(Path.GetTempPath(), $"s3tail-pipe-{Guid.NewGuid():N}");
        await File.WriteAllBytesAsync(file, input);
        try
        {
            return await RunAsync(new CliProcess(), $"( {command} ) < {Q(file)}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Quotes a path for a bash script.</summary>
    public static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
