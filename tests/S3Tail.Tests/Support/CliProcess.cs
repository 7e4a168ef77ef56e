using System.Diagnostics;
using System.Text;

namespace S3Tail.Tests.Support;

/// <summary>What one run of the s3tail executable did.</summary>
public sealed record CliResult(int ExitCode, byte[] Stdout, string Stderr)
{
    public string StdoutText => Encoding.UTF8.GetString(Stdout);

    public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The text after "Bookmark: " on the last stderr line, or null.</summary>
    public string? Bookmark =>
        StderrLines.LastOrDefault() is { } last && last.StartsWith("Bookmark: ") ? last["Bookmark: ".Length..] : null;

    public override string ToString() => $"exit {ExitCode}; stderr:\n{Stderr}";
}

/// <summary>
/// Runs the real s3tail executable (the CLI project's build output) as a process, with an
/// isolated HOME (so ~/.s3tailrc and ~/.s3tailcache are the test's own) and the test server's
/// credentials in the environment.
/// </summary>
public sealed class CliProcess : ICli
{
    public static string Executable { get; } = FindExecutable();

    public string Home { get; }
    public Dictionary<string, string?> Environment { get; } = new();

    public CliProcess(string? home = null)
    {
        Home = home ?? Path.Combine(Path.GetTempPath(), $"s3tail-home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Home);
        Environment["HOME"] = Home;
        Environment["XDG_STATE_HOME"] = Path.Combine(Home, ".local", "state");
        Environment["AWS_ACCESS_KEY_ID"] = S3TestServer.AccessKey;
        Environment["AWS_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey;
        Environment["AWS_REGION"] = "us-east-1";
        Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        Environment["AWS_CONFIG_FILE"] = Path.Combine(Home, "aws-config");
        Environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Home, "aws-credentials");
        Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        // The runs here last a second or two: profiling them for a later re-JIT costs about a
        // sixth of their CPU and pays back nothing (measured: 1.17 s against 0.98 s a run).
        Environment["DOTNET_TieredPGO"] = "0";
    }

    public ProcessStartInfo StartInfo(IEnumerable<string> args, string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Home,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in Environment)
            if (v is null) psi.Environment.Remove(k);   // a null unsets what this process has
            else psi.Environment[k] = v;
        return psi;
    }

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(args, null);

    public Task<CliResult> RunAsync(IEnumerable<string> args, string? workingDirectory, TimeSpan? timeout = null) =>
        RunToEndAsync(StartInfo(args, workingDirectory), $"s3tail {string.Join(' ', args)}", timeout);

    /// <summary>Runs a prepared process (s3tail, or a shell around it) to its end, with a time limit.</summary>
    public static async Task<CliResult> RunToEndAsync(ProcessStartInfo psi, string what, TimeSpan? timeout = null)
    {
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        var stdout = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(true);
            throw new TimeoutException($"{what} did not finish in time; stderr: {await stderr}");
        }
        await copy;
        return new CliResult(process.ExitCode, stdout.ToArray(), await stderr);
    }

    private static string FindExecutable()
    {
        // The test project references the CLI project, so its build output sits beside ours.
        var here = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "s3tail.exe" : "s3tail");
        if (File.Exists(here)) return here;
        throw new FileNotFoundException("The s3tail executable is not beside the tests", here);
    }
}
