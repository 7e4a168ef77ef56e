using System.Diagnostics;
using System.Runtime.InteropServices;

namespace S3Tail.Tests.Support;

/// <summary>An s3tail process still running: its stdout so far, and signals to send it.</summary>
public sealed partial class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly MemoryStream _stdout = new();
    private readonly Task _copy;
    private readonly System.Text.StringBuilder _stderrSoFar = new();
    private readonly Task<string> _stderr;

    public RunningCli(CliProcess cli, IEnumerable<string> args)
    {
        _process = Process.Start(cli.StartInfo(args))!;
        _process.StandardInput.Close();
        _copy = Task.Run(async () =>
        {
            var buffer = new byte[64 * 1024];
            var s = _process.StandardOutput.BaseStream;
            int n;
            while ((n = await s.ReadAsync(buffer)) > 0)
                lock (_stdout) _stdout.Write(buffer, 0, n);
        });
        _stderr = Task.Run(async () =>
        {
            while (await _process.StandardError.ReadLineAsync() is { } line)
                lock (_stderrSoFar) _stderrSoFar.Append(line).Append('\n');
            lock (_stderrSoFar) return _stderrSoFar.ToString();
        });
    }

    public int Pid => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    public long StdoutLength { get { lock (_stdout) return _stdout.Length; } }

    /// <summary>What it wrote to stdout so far.</summary>
    public string StdoutText { get { lock (_stdout) return System.Text.Encoding.UTF8.GetString(_stdout.ToArray()); } }

    /// <summary>Waits until stdout says <paramref name="text"/> (or times out with what it said).</summary>
    public async Task WaitForTextAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!StdoutText.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"s3tail ended early: {await _stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"s3tail did not write '{text}'; it wrote:\n{StdoutText}");
            await Task.Delay(20);
        }
    }

    /// <summary>What it wrote to stderr so far, line by line.</summary>
    public string StderrText { get { lock (_stderrSoFar) return _stderrSoFar.ToString(); } }

    /// <summary>Waits until stderr says <paramref name="text"/> (or times out with what it said).</summary>
    public async Task WaitForStderrAsync(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (!StderrText.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited) throw new InvalidOperationException($"s3tail ended early: {await _stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"s3tail did not say '{text}'; it said:\n{StderrText}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until stdout has at least <paramref name="bytes"/> bytes (the run is under way).</summary>
    public async Task WaitForOutputAsync(long bytes, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (StdoutLength < bytes)
        {
            if (_process.HasExited) throw new InvalidOperationException($"s3tail ended early: {await _stderr}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("no output from s3tail");
            await Task.Delay(10);
        }
    }

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0) throw new InvalidOperationException($"kill failed: {Marshal.GetLastPInvokeError()}");
    }

    public async Task<CliResult> WaitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cts.Token);
        await _copy;
        string stderr = await _stderr;
        lock (_stdout) return new CliResult(_process.ExitCode, _stdout.ToArray(), stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(true);
        _process.Dispose();
    }

    public const int SIGHUP = 1, SIGKILL = 9, SIGINT = 2, SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);
}
