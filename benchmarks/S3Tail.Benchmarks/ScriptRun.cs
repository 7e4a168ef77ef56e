using System.Diagnostics;
using System.Security.Cryptography;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>Runs a bash pipeline as the peers and grep benchmarks time it: wall time, and the SHA-256 of its stdout.</summary>
public static class ScriptRun
{
    /// <summary>The s3tail to time: this build's, or S3TAIL_BENCH_CLI (e.g. the installed ReadyToRun tool).</summary>
    public static string Cli { get; } =
        Environment.GetEnvironmentVariable("S3TAIL_BENCH_CLI") is { Length: > 0 } other ? other : Path.Combine(AppContext.BaseDirectory, "s3tail");

    /// <summary>Gives a process <paramref name="home"/> as HOME and the test server's credentials (and no instance metadata to look for).</summary>
    public static void AsTestServerClient(ProcessStartInfo psi, string home)
    {
        psi.Environment["HOME"] = home;
        psi.Environment["AWS_ACCESS_KEY_ID"] = S3TestServer.AccessKey;
        psi.Environment["AWS_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey;
        psi.Environment["AWS_REGION"] = "us-east-1";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
    }

    /// <summary>
    /// Runs <paramref name="script"/> (with pipefail) under <paramref name="home"/>, with the test
    /// server's credentials and <paramref name="environment"/> set; throws when it fails.
    /// </summary>
    public static (double Seconds, string Sha) Run(string script, string home, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("bash", ["-c", "set -o pipefail; " + script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        AsTestServerClient(psi, home);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        var clock = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var sha = SHA256.HashData(p.StandardOutput.BaseStream);
        p.WaitForExit();
        double seconds = clock.Elapsed.TotalSeconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{script} failed: {stderr.Result}");
        return (seconds, Convert.ToHexString(sha));
    }
}
