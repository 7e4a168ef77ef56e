using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;
using static S3Tail.Tests.Support.Shell;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// stdout is whatever the shell made it — a file opened with > or >>, shared with stderr, a pipe,
/// a FIFO, a socket, a terminal, /dev/null — and the content must land whole, in order, where
/// the shell's file position is, around what the shell itself writes.
/// </summary>
[Collection(AloneCollection.Name)]   // a stop within a second, measured
public sealed class OutputSpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-out-").FullName;
    private readonly string _logs;
    private readonly byte[] _expected;
    private readonly CliProcess _cli = new();

    public OutputSpecs()
    {
        _logs = Path.Combine(_root, "logs");
        Directory.CreateDirectory(_logs);
        var objects = Enumerable.Range(0, 6).Select(i => ($"access-{i:D2}", AccessLog(i, 3000))).ToList();
        foreach (var (key, content) in objects) File.WriteAllBytes(Path.Combine(_logs, key), content);
        _expected = ExpectedOutput(objects);
    }

    public void Dispose()
    {
        Directory.Delete(_root, true);
        try { Directory.Delete(_cli.Home, true); } catch (IOException) { }
    }

    private string Out => Path.Combine(_root, "out");

    [Fact]
    public async Task Should_write_between_what_the_shell_writes_before_and_after_into_a_file()
    {
        var r = await RunAsync(_cli, $"(echo A; s3tail -q {Q(_logs)}/; echo B) > {Q(Out)}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("A\n"u8.ToArray().Concat(_expected).Concat("B\n"u8.ToArray()).ToArray(), File.ReadAllBytes(Out));
    }

    [Fact]
    public async Task Should_append_after_what_a_file_held_with_append_redirection()
    {
        File.WriteAllText(Out, "before\n");
        var r = await RunAsync(_cli, $"s3tail -q {Q(_logs)}/ >> {Q(Out)}; echo after >> {Q(Out)}");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("before\n"u8.ToArray().Concat(_expected).Concat("after\n"u8.ToArray()).ToArray(), File.ReadAllBytes(Out));
    }

    [Fact]
    public async Task Should_keep_content_and_log_apart_when_stdout_and_stderr_share_a_file()
    {
        var r = await RunAsync(_cli, $"s3tail -l info {Q(_logs)}/ > {Q(Out)} 2>&1");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = Encoding.UTF8.GetString(File.ReadAllBytes(Out)).Split('\n');
        var log = lines.Where(l => l.StartsWith("s3tail: ") || l.StartsWith("Bookmark: ")).ToList();
        var content = string.Join('\n', lines.Where(l => !log.Contains(l)));
        Assert.Equal(Encoding.UTF8.GetString(_expected), content);
        Assert.StartsWith("s3tail: info: 6 objects", log[^2]);
        Assert.Equal("Bookmark: access-05:3000", log[^1]);
    }

    [Fact]
    public async Task Should_write_to_a_fifo()
    {
        var fifo = Path.Combine(_root, "fifo");
        var r = await RunAsync(_cli, $"mkfifo {Q(fifo)}; cat {Q(fifo)} > {Q(Out)} & s3tail -q {Q(_logs)}/ > {Q(fifo)}; wait");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(_expected, File.ReadAllBytes(Out));
    }

    [Fact]
    public async Task Should_write_through_a_pipe_and_to_dev_null()
    {
        var piped = await RunAsync(_cli, $"s3tail -q {Q(_logs)}/ | cat");
        Assert.Equal(_expected, piped.Stdout);
        var devNull = await RunAsync(_cli, $"s3tail {Q(_logs)}/ > /dev/null");
        Assert.True(devNull.ExitCode == 0, devNull.ToString());
        Assert.Equal("Bookmark: access-05:3000", devNull.StderrLines[^1]);
    }

    [SkippableFact]
    public async Task Should_widen_a_pipe_to_its_reader_to_a_mebibyte()
    {
        // A 64 KiB pipe took a 256 KiB batch in four waits for the reader.
        Skip.IfNot(OperatingSystem.IsLinux() && int.Parse(File.ReadAllText("/proc/sys/fs/pipe-max-size").Trim()) >= 1 << 20,
            "pipes cannot be widened to 1 MiB here");
        // The reader looks once the first byte came: the pipe is widened before anything is written.
        var piped = await RunAsync(_cli, $"s3tail -q {Q(_logs)}/ | (head -c 1 > /dev/null; python3 -c 'import fcntl; print(fcntl.fcntl(0, 1032))'; cat > /dev/null)");
        Assert.True(piped.ExitCode == 0, piped.ToString());
        Assert.Equal("1048576\n", piped.StdoutText);
    }

    [Fact]
    public async Task Should_write_to_a_socket()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var run = RunAsync(_cli, $"s3tail -q {Q(_logs)}/ > /dev/tcp/127.0.0.1/{port}");
        using var client = await listener.AcceptTcpClientAsync();
        var received = new MemoryStream();
        await client.GetStream().CopyToAsync(received);
        var r = await run;
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(_expected, received.ToArray());
    }

    [Fact]
    public async Task Should_write_to_a_terminal()
    {
        // script(1) gives s3tail a pseudo-terminal for stdout; the terminal turns "\n" into "\r\n".
        var typescript = Path.Combine(_root, "typescript");
        var r = await RunAsync(_cli, $"script -qefc {Q($"s3tail -q --no-progress {_logs}/")} {Q(typescript)} > /dev/null");
        Assert.True(r.ExitCode == 0, r.ToString());
        var seen = File.ReadAllText(typescript).Replace("\r\n", "\n");
        Assert.Contains(Encoding.UTF8.GetString(_expected), seen);
    }

    [Fact]
    public async Task Should_say_so_in_one_line_when_stdout_is_closed()
    {
        var r = await RunAsync(_cli, $"s3tail {Q(_logs)}/ >&-");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("s3tail: error: stdout is closed (was the command run with >&- ?); give it a file, a pipe or /dev/null.", r.StderrLines.Single());
    }

    [Fact]
    public async Task Should_finish_a_good_run_when_stderr_is_closed()
    {
        var r = await RunAsync(_cli, $"s3tail {Q(_logs)}/ 2>&- > {Q(Out)}");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(_expected, File.ReadAllBytes(Out));
    }

    [Fact]
    public async Task Should_obey_a_stop_within_a_second_while_the_reader_reads_nothing_and_keep_the_bookmark_exact()
    {
        // stdout is a pipe this test does not read until s3tail has exited: the pipe fills, and
        // s3tail blocks on it — until SIGTERM, which must end it with the bookmark of what
        // went into the pipe.
        var psi = _cli.StartInfo(["--no-progress", _logs + "/"]);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        await Task.Delay(1500);
        Assert.False(p.HasExited, "s3tail did not block on the full pipe");
        var signalled = Stopwatch.StartNew();
        Assert.Equal(0, RunningCli.Kill(p.Id, RunningCli.SIGTERM));
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10))) await p.WaitForExitAsync(cts.Token);
        var stopTime = signalled.Elapsed;
        var delivered = new MemoryStream();
        await p.StandardOutput.BaseStream.CopyToAsync(delivered);
        var result = new CliResult(p.ExitCode, delivered.ToArray(), await stderr);

        Assert.True(result.ExitCode == 143, result.ToString());
        Assert.True(stopTime < TimeSpan.FromSeconds(1), $"the stop took {stopTime.TotalMilliseconds:0} ms");
        var (key, line) = SplitBookmark(result.Bookmark!);
        // What came out is every line up to the bookmark, and at most part of the next one.
        int upTo = LineEnd(key, line);
        Assert.True(result.Stdout.Length >= upTo && result.Stdout.Length - upTo < 400, $"{result.Stdout.Length} bytes for {result.Bookmark}");
        Assert.Equal(_expected[..upTo], result.Stdout[..upTo]);

        var rest = await _cli.RunAsync(["-q", "-b", result.Bookmark!, _logs + "/"], null);
        Assert.Equal(_expected, result.Stdout[..upTo].Concat(rest.Stdout).ToArray());
    }

    private static (string Key, long Line) SplitBookmark(string text)
    {
        int colon = text.LastIndexOf(':');
        return (text[..colon], long.Parse(text[(colon + 1)..]));
    }

    /// <summary>The offset just past line <paramref name="line"/> of <paramref name="key"/> in the expected output.</summary>
    private int LineEnd(string key, long line)
    {
        int offset = 0;
        foreach (var file in Directory.GetFiles(_logs).Order(StringComparer.Ordinal))
        {
            var content = File.ReadAllBytes(file);
            if (Path.GetFileName(file) != key) { offset += content.Length; continue; }
            for (long i = 0; i < line; i++) offset = Array.IndexOf(_expected, (byte)'\n', offset) + 1;
            return offset;
        }
        throw new InvalidOperationException($"no key {key}");
    }
}
