using System.Diagnostics;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;
using static S3Tail.Tests.Support.Shell;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Every way a run ends prints the bookmark of what was written, with one clear line for what
/// failed: a full disk under stdout or the log, an unusable TMPDIR, a non-blocking stdout, a
/// config file locked by someone else.
/// </summary>
public sealed class RunEndSpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-end-").FullName;
    private readonly string _logs;
    private readonly CliProcess _cli = new();
    private readonly byte[] _expected;

    public RunEndSpecs()
    {
        _logs = Path.Combine(_root, "logs");
        Directory.CreateDirectory(_logs);
        var objects = new List<(string Key, byte[] Decoded)> { ("a", AccessLog(1, 2000)), ("b.gz", AccessLog(2, 3000)), ("c", AccessLog(3, 10)) };
        File.WriteAllBytes(Path.Combine(_logs, "a"), objects[0].Decoded);
        File.WriteAllBytes(Path.Combine(_logs, "b.gz"), Gzip(objects[1].Decoded));
        File.WriteAllBytes(Path.Combine(_logs, "c"), objects[2].Decoded);
        _expected = ExpectedOutput(objects);
    }

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public async Task Should_create_the_log_file_private()
    {
        var log = Path.Combine(_root, "s3tail.log");
        var r = await _cli.RunAsync(["-l", "info", "--log-file", log, _logs + "/"], null);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(log));
        Assert.Contains("s3tail: info: 3 objects", File.ReadAllText(log));
    }

    [Fact]
    public async Task Should_finish_the_run_when_the_log_file_is_on_a_full_disk()
    {
        var r = await _cli.RunAsync(["-l", "debug", "--log-file", "/dev/full", _logs + "/"], null);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(_expected, r.Stdout);
        Assert.Equal("c:10", r.Bookmark);
    }

    [Fact]
    public async Task Should_say_in_one_line_that_stdout_is_full_and_print_the_bookmark()
    {
        var r = await RunAsync(_cli, $"s3tail -b a:5 {Q(_logs)}/ > /dev/full");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(["s3tail: error: Error writing the output: No space left on device.", "Bookmark: a:5"], r.StderrLines);
    }

    [Fact]
    public async Task Should_stop_with_one_line_and_the_bookmark_when_tmpdir_cannot_be_used()
    {
        // The gzip object (over 64 KiB, so not decoded in memory) needs a spool file; TMPDIR points
        // nowhere. The lines before it are out.
        var missing = Path.Combine(_root, "no-such-tmp");
        _cli.Environment["TMPDIR"] = missing;
        var r = await _cli.RunAsync([_logs + "/"], null);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(AccessLog(1, 2000), r.Stdout);
        Assert.Equal($"s3tail: error: Cannot make a spool folder in '{missing}/' (it does not exist); set TMPDIR to a writable folder.", r.StderrLines[0]);
        Assert.Equal("Bookmark: a:2000", r.StderrLines[^1]);
        Assert.False(Directory.Exists(missing), "s3tail made TMPDIR itself");
    }

    [Fact]
    public async Task Should_wait_on_a_non_blocking_stdout_instead_of_failing()
    {
        // perl leaves the shared pipe O_NONBLOCK; the reader is slow to start, so writes meet EAGAIN.
        var r = await RunAsync(_cli,
            $"{{ perl -MFcntl -e 'fcntl(STDOUT, F_SETFL, O_NONBLOCK) or die'; s3tail -q {Q(_logs)}/; }} | (sleep 1; cat)");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(_expected, r.Stdout);
    }

    /// <summary>
    /// Another process holds the config's lock past the checkpoint: the checkpoint (on a timer
    /// thread) only warns, and the final save succeeds once the lock is free. It used to abort
    /// the process (exit 134) with a stack trace.
    /// </summary>
    [Fact]
    public async Task Should_only_warn_when_a_checkpoint_cannot_take_the_lock()
    {
        var rc = Path.Combine(_root, "rc");
        File.WriteAllText(rc, "[bookmarks]\n");
        // A small first object fits in the pipe (the bookmark moves), the large second one blocks
        // (s3tail widens a pipe to 1 MiB: the second object is several times that).
        var logs = Path.Combine(_root, "checkpointed");
        Directory.CreateDirectory(logs);
        var objects = new List<(string Key, byte[] Decoded)> { ("a", AccessLog(1, 50)), ("b", AccessLog(2, 20000)) };
        foreach (var (key, content) in objects) File.WriteAllBytes(Path.Combine(logs, key), content);
        var lockFile = new FileStream(rc + ".lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        // stdout goes to a pipe read only once the test says so: the run lasts past the first checkpoint (5 s).
        var go = Path.Combine(_root, "go");
        var psi = StartInfo(_cli, $"s3tail -c {Q(rc)} -b daily {Q(logs)}/ | (while [ ! -e {Q(go)} ]; do sleep 0.1; done; cat)");
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderrSoFar = new System.Text.StringBuilder();
        var stderr = Task.Run(async () =>
        {
            while (await p.StandardError.ReadLineAsync() is { } line)
                lock (stderrSoFar) stderrSoFar.Append(line).Append('\n');
            lock (stderrSoFar) return stderrSoFar.ToString();
        });
        // The checkpoint at 5 s waits 10 s for the lock and gives up (it says so); the final save then gets it.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!Said(stderrSoFar, "checkpoint of bookmark 'daily' failed") && DateTime.UtcNow < deadline && !p.HasExited)
            await Task.Delay(50);
        lockFile.Dispose();
        File.WriteAllText(go, "");
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60))) await p.WaitForExitAsync(cts.Token);
        await copy;
        var r = new CliResult(p.ExitCode, stdout.ToArray(), await stderr);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(ExpectedOutput(objects), r.Stdout);
        Assert.Contains(r.StderrLines, l => l.StartsWith("s3tail: warning: checkpoint of bookmark 'daily' failed"));
        Assert.Equal("Bookmark: b:20000", r.StderrLines[^1]);
        Assert.Contains("daily = b:20000", File.ReadAllText(rc));
    }

    private static bool Said(System.Text.StringBuilder stderr, string text)
    {
        lock (stderr) return stderr.ToString().Contains(text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A disk that fills in the middle of a batch: the bookmark names the last line that went out
    /// whole (a short write says how many bytes it took), and at most part of one line follows.
    /// Needs a small file system of its own (tmpfs, mounted as root).
    /// </summary>
    [SkippableFact]
    public async Task Should_keep_the_bookmark_exact_when_the_disk_fills_mid_write()
    {
        var small = Path.Combine(_root, "small");
        Directory.CreateDirectory(small);
        var mount = await RunAsync(_cli, $"mount -t tmpfs -o size=200k tmpfs {Q(small)}");
        Skip.If(mount.ExitCode != 0, $"needs a tmpfs of its own (mount as root): {mount.Stderr.Trim()}");
        try
        {
            var r = await RunAsync(_cli, $"s3tail {Q(_logs)}/ > {Q(small)}/out");
            var written = File.ReadAllBytes(Path.Combine(small, "out"));

            Assert.Equal(1, r.ExitCode);
            Assert.Equal("s3tail: error: Error writing the output: No space left on device.", r.StderrLines[0]);
            int lines = written.Count(b => b == '\n');
            Assert.Equal($"Bookmark: a:{lines}", r.StderrLines[^1]);
            int whole = Array.LastIndexOf(written, (byte)'\n') + 1;
            Assert.Equal(_expected[..written.Length], written);
            Assert.True(written.Length - whole < Array.IndexOf(_expected, (byte)'\n', whole) - whole + 1, "more than one partial line");
        }
        finally
        {
            await RunAsync(_cli, $"umount {Q(small)}");
        }
    }
}
