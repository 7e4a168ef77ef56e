using System.Text;
using S3Tail.Cli;

namespace S3Tail.Tests.Support;

/// <summary>
/// Runs the command line's own entry point inside the test process, for specs where no process
/// boundary is under test (usage, the config file, grep, time windows): the same parsing, checks,
/// engine and stdout writer as the executable, without starting a runtime for each run. stdout is
/// a file; HOME and the variables the CLI reads itself are
/// this run's own. Specs about signals, exit codes of a killed process, file descriptors, the
/// working directory or the environment the AWS SDK reads use <see cref="CliProcess"/>.
/// </summary>
public sealed class InProcessCli : ICli
{
    static InProcessCli()
    {
        // The AWS SDK reads its credentials and region from the process's environment; every run
        // here uses the test server's, exactly what CliProcess gives each process it starts.
        string none = Path.Combine(Path.GetTempPath(), $"s3tail-no-aws-{Guid.NewGuid():N}");
        foreach (var (name, value) in new[]
                 {
                     ("AWS_ACCESS_KEY_ID", S3TestServer.AccessKey), ("AWS_SECRET_ACCESS_KEY", S3TestServer.SecretKey),
                     ("AWS_REGION", "us-east-1"), ("AWS_EC2_METADATA_DISABLED", "true"),
                     ("AWS_CONFIG_FILE", none), ("AWS_SHARED_CREDENTIALS_FILE", none),
                 })
            System.Environment.SetEnvironmentVariable(name, value);
    }

    /// <summary>The variables the CLI reads through its host; the engine and the AWS SDK read others from the process.</summary>
    private static readonly HashSet<string> OwnVariables = ["XDG_STATE_HOME", "S3TAIL_CLUSTER_SECRET", "COLUMNS"];

    public string Home { get; }

    /// <summary>The variables the CLI reads itself (XDG_STATE_HOME, S3TAIL_CLUSTER_SECRET, COLUMNS); nothing else is seen.</summary>
    public Dictionary<string, string?> Environment { get; } = new();

    public InProcessCli(string? home = null)
    {
        Home = home ?? Path.Combine(Path.GetTempPath(), $"s3tail-home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Home);
        Environment["XDG_STATE_HOME"] = Path.Combine(Home, ".local", "state");
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(args, null);

    public async Task<CliResult> RunAsync(IEnumerable<string> args, string? workingDirectory, TimeSpan? timeout = null)
    {
        // The working directory is the process's: a spec that needs its own runs a process.
        if (workingDirectory is not null) throw new ArgumentException("an in-process run has the test process's working directory; use CliProcess");
        string[] argv = args.ToArray();
        // Anything else would be read from the test process's environment, not this run's.
        if (Environment.Keys.FirstOrDefault(k => !OwnVariables.Contains(k)) is { } other)
            throw new ArgumentException($"{other} is read from the process's environment: a run that sets it needs CliProcess");
        // stdout is a file of the run's own (a pipe both of whose ends this process held would
        // look to the CLI like a stdout closed by the caller, which it refuses to write to).
        string stdoutFile = Path.Combine(Home, $".stdout-{Guid.NewGuid():N}");
        using var stdoutHandle = File.OpenHandle(stdoutFile, FileMode.CreateNew, FileAccess.Write);
        int stdoutFd = (int)stdoutHandle.DangerousGetHandle();
        // --help, --version and --cache-lookup print through a TextWriter; a run writes to the descriptor.
        var printed = new StringWriter();
        var stderr = new StringWriter();
        var host = new CliHost(TextWriter.Synchronized(stderr), TextWriter.Synchronized(printed), stdoutFd, Home,
            name => Environment.TryGetValue(name, out var value) ? value : null, ErrorIsTerminal: false, OwnsProcess: false);
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        int exitCode = await Task.Run(() => EntryPoint.RunAsync(argv, host, cts.Token));
        stdoutHandle.Dispose();
        byte[] stdout = [.. Encoding.UTF8.GetBytes(printed.ToString()), .. await File.ReadAllBytesAsync(stdoutFile)];
        File.Delete(stdoutFile);
        if (cts.IsCancellationRequested)
            throw new TimeoutException($"s3tail {string.Join(' ', argv)} did not finish in time; stderr: {stderr}");
        return new CliResult(exitCode, stdout, stderr.ToString());
    }
}
