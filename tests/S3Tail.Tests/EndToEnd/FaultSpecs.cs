using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>S3 and the network misbehaving: nothing lost, nothing duplicated, every error clear.</summary>
public sealed class FaultSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Bucket(int count = 10, int lines = 400)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, count).Select(i => (Key: $"logs/{i:D3}", Decoded: AccessLog(i, lines))).ToList();
        // Odd objects are gzip: a cut must continue the compressed stream where it broke.
        await _server.PutAllAsync(bucket, objects.Select((o, i) => (o.Key, i % 2 == 1 ? Gzip(o.Decoded) : o.Decoded)));
        return (bucket, objects);
    }

    private Task<CliResult> Run(string bucket, params string[] more) =>
        new InProcessCli().RunAsync(["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. more, $"s3://{bucket}/logs/"], null);

    [Theory]
    [InlineData(503, "SlowDown")]
    [InlineData(500, "InternalError")]
    public async Task Should_absorb_transient_error_replies(int status, string code)
    {
        var (bucket, objects) = await Bucket();
        await _server.SetRulesAsync(bucket,
            new { op = "getObject", key = "00[1-4]$", status, code, times = 8 },
            new { op = "list", status, code, times = 2 });

        var result = await Run(bucket, "-p", "4");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.Contains("trying again", result.Stderr);
    }

    [Theory]
    [InlineData("logs/004$")]   // plain
    [InlineData("logs/005$")]   // gzip
    public async Task Should_continue_a_cut_body_with_a_ranged_get_byte_exact(string key)
    {
        var (bucket, objects) = await Bucket();
        await _server.SetRulesAsync(bucket, new { op = "getObject", key, cutAfterBytes = 3000, times = 3 });

        var result = await Run(bucket);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(3, counts.Ranged);
        Assert.Equal(4, counts.Keys[key.TrimEnd('$')]);
    }

    [Fact]
    public async Task Should_end_with_a_runtime_error_and_an_exact_bookmark_when_retries_run_out()
    {
        var (bucket, objects) = await Bucket();
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "logs/006$", status = 503, code = "SlowDown" });

        var failed = await Run(bucket, "-p", "3");
        Assert.Equal(1, failed.ExitCode);
        Assert.Contains("logs/006", failed.StderrLines.Single(l => l.StartsWith("s3tail: error:")));
        Assert.Equal(RetryPolicy.Default.MaxAttempts, (await _server.CountsAsync(bucket)).Keys["logs/006"]);
        Assert.Equal("logs/005:400", failed.Bookmark);

        await _server.ResetAsync(bucket);
        var resumed = await Run(bucket, "-b", failed.Bookmark!);
        Assert.Equal(ExpectedOutput(objects), failed.Stdout.Concat(resumed.Stdout).ToArray());
    }

    [Fact]
    public async Task Should_skip_an_object_deleted_after_it_was_listed_with_a_warning()
    {
        var (bucket, objects) = await Bucket();
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "logs/003$", status = 404, code = "NoSuchKey" });

        var result = await Run(bucket);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects.Where(o => o.Key != "logs/003")), result.Stdout);
        Assert.Contains("skipped 'logs/003': it was deleted after it was listed", result.Stderr);
    }

    [Fact]
    public async Task Should_stop_at_an_object_it_may_not_read_and_skip_it_with_skip_errors()
    {
        var (bucket, objects) = await Bucket();
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "logs/007$", status = 403, code = "AccessDenied" });

        var stopped = await Run(bucket);
        Assert.Equal(1, stopped.ExitCode);
        var error = Assert.Single(stopped.StderrLines, l => l.StartsWith("s3tail: error:"));
        Assert.Contains("logs/007", error);
        Assert.Contains("access denied", error);
        Assert.Equal("logs/006:400", stopped.Bookmark);
        Assert.Equal(ExpectedOutput(objects.Take(7)), stopped.Stdout);

        var skipping = await Run(bucket, "--skip-errors");
        Assert.Equal(0, skipping.ExitCode);
        Assert.Equal(ExpectedOutput(objects.Where(o => o.Key != "logs/007")), skipping.Stdout);
        Assert.Contains("skipped 1 object(s) that could not be read: logs/007", skipping.Stderr);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("corrupt")]
    public async Task Should_refuse_a_broken_gzip_object_naming_it_before_writing_any_of_it(string damage)
    {
        var bucket = await _server.CreateBucketAsync();
        var good = AccessLog(1, 50);
        var gz = Gzip(AccessLog(2, 3000));
        byte[] broken = damage == "truncated" ? gz[..(gz.Length / 2)] : [.. gz[..(gz.Length / 2)], (byte)(gz[gz.Length / 2] ^ 0xFF), .. gz[(gz.Length / 2 + 1)..]];
        await _server.PutAsync(bucket, "logs/a", good);
        await _server.PutAsync(bucket, "logs/b.gz", broken);
        await _server.PutAsync(bucket, "logs/c", good);

        var result = await Run(bucket);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("logs/b.gz", result.Stderr);
        Assert.Contains("gzip", result.Stderr);
        Assert.Equal(good, result.Stdout);   // not one line of the broken object
        Assert.Equal("logs/a:50", result.Bookmark);

        var skipping = await Run(bucket, "--skip-errors");
        Assert.Equal(0, skipping.ExitCode);
        Assert.Equal(good.Concat(good).ToArray(), skipping.Stdout);
    }

    [Fact]
    public async Task Should_keep_the_spool_within_the_prefetch_window_for_a_slow_reader()
    {
        var (bucket, objects) = await Bucket(count: 24, lines: 2500); // ~1 MB each
        var cli = new CliProcess();
        var tmp = Path.Combine(cli.Home, "tmp");
        Directory.CreateDirectory(tmp);
        cli.Environment["TMPDIR"] = tmp;
        const int prefetch = 4;

        var psi = cli.StartInfo(["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "-p", prefetch.ToString(), $"s3://{bucket}/logs/"]);
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.Close();
        var stderr = process.StandardError.ReadToEndAsync();
        var output = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int most = 0;
        int n;
        while ((n = await process.StandardOutput.BaseStream.ReadAsync(buffer)) > 0)
        {
            output.Write(buffer, 0, n);
            // Only the spool: the runtime keeps its diagnostics socket in TMPDIR too.
            most = Math.Max(most, Directory.EnumerateDirectories(tmp, "s3tail-spool-*")
                .Sum(d => Directory.EnumerateFiles(d).Count()));
            await Task.Delay(4); // a slow reader: ~10 MB/s at most
        }
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Equal(ExpectedOutput(objects), output.ToArray());
        Assert.InRange(most, 1, prefetch);
    }

    [Fact]
    public async Task Should_end_clearly_when_the_endpoint_goes_away_and_resume_exactly_when_it_is_back()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"s3tail-s3rver-restart-{Guid.NewGuid():N}");
        var server = await S3TestServer.StartAsync(dir);
        try
        {
            var bucket = await server.CreateBucketAsync();
            var objects = Enumerable.Range(0, 60).Select(i => (Key: $"logs/{i:D3}", Decoded: AccessLog(i, 100))).ToList();
            await server.PutAllAsync(bucket, objects);
            await server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 60 });
            var cli = new CliProcess();
            string[] args = ["--endpoint-url", server.Endpoint, "--cache-hours", "0", "-p", "4", $"s3://{bucket}/logs/"];

            using var running = new RunningCli(cli, args);
            await running.WaitForOutputAsync(30_000);
            await server.KillAsync();
            var failed = await running.WaitAsync();

            Assert.Equal(1, failed.ExitCode);
            Assert.Contains($"cannot reach the endpoint {server.Endpoint}", failed.Stderr);
            Assert.NotNull(failed.Bookmark);

            await using var back = await S3TestServer.StartAsync(dir, server.Port);
            var resumed = await cli.RunAsync([.. args, "-b", failed.Bookmark!], null);
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.Equal(ExpectedOutput(objects), failed.Stdout.Concat(resumed.Stdout).ToArray());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
