using System.Diagnostics;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Every way a run ends keeps the exact-resume promise: the output of the stopped run, followed
/// by the output of a run resumed from its bookmark, is exactly the full output.
/// </summary>
public sealed class ResumeSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> SlowBucket(int objects = 120, int delayMs = 40)
    {
        var bucket = await _server.CreateBucketAsync();
        var list = Enumerable.Range(0, objects)
            .Select(i => (Key: $"logs/2016-09-{11 + i % 2}/obj-{i:D4}", Decoded: AccessLog(i, 40)))
            .ToList();
        await _server.PutAllAsync(bucket, list.Select(o => (o.Key, i: o.Key.EndsWith('7') ? Gzip(o.Decoded) : o.Decoded)));
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs });
        return (bucket, list);
    }

    private CliProcess NewCli(out string tmp)
    {
        var cli = new CliProcess();
        tmp = Path.Combine(cli.Home, "tmp");
        Directory.CreateDirectory(tmp);
        cli.Environment["TMPDIR"] = tmp;
        return cli;
    }

    [Theory]
    [InlineData(RunningCli.SIGINT, 130)]
    [InlineData(RunningCli.SIGTERM, 143)]
    [InlineData(RunningCli.SIGHUP, 129)]
    public async Task Should_stop_promptly_on_a_signal_and_resume_exactly(int signal, int exitCode)
    {
        var (bucket, objects) = await SlowBucket();
        var cli = NewCli(out var tmp);
        string[] args = ["--endpoint-url", _server.Endpoint, "-p", "8", "--cache-hours", "0", $"s3://{bucket}/logs/"];

        using var running = new RunningCli(cli, args);
        await running.WaitForOutputAsync(20_000);
        var clock = Stopwatch.StartNew();
        running.Signal(signal);
        var stopped = await running.WaitAsync();
        var stopTime = clock.Elapsed;

        Assert.True(stopped.ExitCode == exitCode, stopped.ToString());
        Assert.NotNull(stopped.Bookmark);
        Assert.DoesNotContain("error", stopped.Stderr);
        // A hang shows as tens of seconds; a prompt stop is a fraction of one (see the note on the issue).
        Assert.True(stopTime < TimeSpan.FromSeconds(5), $"took {stopTime} to stop");
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));

        var resumed = await cli.RunAsync([.. args, "-b", stopped.Bookmark!], null);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(ExpectedOutput(objects), stopped.Stdout.Concat(resumed.Stdout).ToArray());
    }

    [Fact]
    public async Task Should_end_quietly_with_exit_0_when_the_reader_closes_the_pipe_and_resume_exactly()
    {
        var (bucket, objects) = await SlowBucket(objects: 40, delayMs: 5);
        var cli = NewCli(out _);
        string uri = $"s3://{bucket}/logs/";
        var psi = cli.StartInfo(["-c", "set -o pipefail; \"$0\" --endpoint-url \"$1\" \"$2\" | head -n 5; echo \"status ${PIPESTATUS[0]}\" >&2",
            CliProcess.Executable, _server.Endpoint, uri]);
        psi.FileName = "bash";
        using var bash = Process.Start(psi)!;
        bash.StandardInput.Close();
        string head = await bash.StandardOutput.ReadToEndAsync();
        string stderr = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();

        Assert.Equal(5, head.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("status 0", stderr);
        Assert.DoesNotContain("error", stderr);
        var bookmark = stderr.Split('\n').Single(l => l.StartsWith("Bookmark: "))["Bookmark: ".Length..];

        var resumed = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", bookmark, uri);
        Assert.Equal(0, resumed.ExitCode);
        Assert.Equal(Resume.ExpectedAfter(objects, bookmark), resumed.Stdout);
        // What head printed comes before the bookmark; lines between sat in the pipe's buffer.
        Assert.StartsWith(head, System.Text.Encoding.UTF8.GetString(ExpectedOutput(objects)));
    }

    [Fact]
    public async Task Should_keep_an_exact_bookmark_when_an_error_ends_the_run()
    {
        var (bucket, objects) = await SlowBucket(objects: 30, delayMs: 1);
        var failing = objects.OrderBy(o => o.Key, ByteOrder.Instance).ElementAt(17).Key;
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = $"^{failing}$", status = 403, code = "AccessDenied" });
        var cli = NewCli(out _);
        string[] args = ["--endpoint-url", _server.Endpoint, "-p", "4", $"s3://{bucket}/logs/"];

        var failed = await cli.RunAsync(args);
        Assert.True(failed.ExitCode == 1, failed.ToString());
        Assert.Contains(failing, failed.Stderr);
        Assert.StartsWith("Bookmark: ", failed.StderrLines[^1]);

        await _server.ResetAsync(bucket);
        var resumed = await cli.RunAsync([.. args, "-b", failed.Bookmark!], null);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(ExpectedOutput(objects), failed.Stdout.Concat(resumed.Stdout).ToArray());
    }

    [Fact]
    public async Task Should_resume_with_the_line_after_a_given_bookmark_and_continue_past_a_line_beyond_its_object()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "a:1", Text("a1\na2\na3\n"));
        await _server.PutAsync(bucket, "b", Text("b1\n"));
        var cli = new CliProcess();

        var mid = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "a:1:2", $"s3://{bucket}/");
        Assert.Equal("a3\nb1\n", mid.StdoutText);
        Assert.Equal("b:1", mid.Bookmark);

        var beyond = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "a:1:99", $"s3://{bucket}/");
        Assert.Equal("b1\n", beyond.StdoutText);

        var atEnd = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "b:1", $"s3://{bucket}/");
        Assert.Equal("", atEnd.StdoutText);
        Assert.Equal("b:1", atEnd.Bookmark);
    }

    /// <summary>A closed terminal or a killed ssh session (SIGHUP) saves the named bookmark like any other stop.</summary>
    [Fact]
    public async Task Should_save_a_named_bookmark_on_sighup_and_resume_exactly()
    {
        var (bucket, objects) = await SlowBucket();
        var cli = NewCli(out _);
        string[] args = ["--endpoint-url", _server.Endpoint, "-p", "8", "-b", "session", $"s3://{bucket}/logs/"];

        using var running = new RunningCli(cli, args);
        await running.WaitForOutputAsync(20_000);
        running.Signal(RunningCli.SIGHUP);
        var stopped = await running.WaitAsync();

        Assert.True(stopped.ExitCode == 129, stopped.ToString());
        Assert.Contains($"session = {stopped.Bookmark}", File.ReadAllText(Path.Combine(cli.Home, ".s3tailrc")));
        var resumed = await cli.RunAsync(args, null);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(ExpectedOutput(objects), stopped.Stdout.Concat(resumed.Stdout).ToArray());
    }

    [Theory]
    [InlineData(RunningCli.SIGINT, 130)]
    [InlineData(RunningCli.SIGTERM, 143)]
    public async Task Should_exit_with_the_signal_code_when_cache_lookup_is_stopped(int signal, int exitCode)
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "logs/a", Text("a\n"));
        await _server.SetRulesAsync(bucket, new { op = "list", delayMs = 20_000 });
        var cli = NewCli(out _);

        using var running = new RunningCli(cli, ["--endpoint-url", _server.Endpoint, "--cache-lookup", $"s3://{bucket}/logs/"]);
        await Task.Delay(1500);
        running.Signal(signal);
        var stopped = await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(stopped.ExitCode == exitCode, stopped.ToString());
    }
}
