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

    public static async Task<CliResult> RunAsync(CliProcess cli, string script, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var p = Process.Start(StartInfo(cli, script, workingDirectory))!;
        p.StandardInput.Close();
        var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(true);
            throw new TimeoutException($"bash -c '{script}' did not finish in time; stderr: {await stderr}");
        }
        await copy;
        return new CliResult(p.ExitCode, stdout.ToArray(), await stderr);
    }

    /// <summary>Quotes a path for a bash script.</summary>
    public static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
