using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Options around the engine: credentials by profile, the log file, quiet.</summary>
public sealed class OptionSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<string> BucketWithOneObject()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "k", Text("one line\n"));
        return bucket;
    }

    [Fact]
    public async Task Should_take_credentials_from_a_named_profile()
    {
        var bucket = await BucketWithOneObject();
        var cli = new CliProcess();
        cli.Environment.Remove("AWS_ACCESS_KEY_ID");
        cli.Environment.Remove("AWS_SECRET_ACCESS_KEY");
        File.WriteAllText(Path.Combine(cli.Home, "aws-credentials"),
            $"[logs-reader]\naws_access_key_id = {S3TestServer.AccessKey}\naws_secret_access_key = {S3TestServer.SecretKey}\n");

        var result = await cli.RunAsync("--profile", "logs-reader", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("one line\n", result.StdoutText);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_profile_with_exit_2()
    {
        var result = await new InProcessCli().RunAsync("--profile", "nobody", "--endpoint-url", _server.Endpoint, "s3://bucket-x/");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("profile 'nobody'", result.Stderr);
    }

    [Fact]
    public async Task Should_write_the_log_to_the_log_file_and_keep_stderr_for_errors_and_the_bookmark()
    {
        var bucket = await BucketWithOneObject();
        var cli = new InProcessCli();
        var logFile = Path.Combine(cli.Home, "s3tail.log");

        var result = await cli.RunAsync("--log-file", logFile, "-l", "info", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("one line\n", result.StdoutText);
        Assert.Equal(["Bookmark: k:1"], result.StderrLines);
        Assert.Contains("s3tail: info: 1 objects, 1 lines", File.ReadAllText(logFile));
    }

    [Fact]
    public async Task Should_refuse_a_log_file_that_cannot_be_opened()
    {
        var result = await new InProcessCli().RunAsync("--log-file", "/nonexistent-dir/s3tail.log", "./x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Cannot open the log file '/nonexistent-dir/s3tail.log'", result.Stderr);
    }

    [Fact]
    public async Task Should_print_no_bookmark_when_quiet()
    {
        var bucket = await BucketWithOneObject();
        var result = await new InProcessCli().RunAsync("-q", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("", result.Stderr);
    }

    /// <summary>
    /// --prefetch auto (or prefetch = auto in the config) writes the same bytes as a fixed
    /// window, backs off under 503 SlowDown, and says where its window ended.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_write_exactly_with_prefetch_auto_and_back_off_when_throttled(bool throttled)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, 120).Select(i => (Key: $"logs/{i:D4}", Decoded: AccessLog(i, 5))).ToList();
        await _server.PutAllAsync(bucket, objects);
        await _server.SetRulesAsync(bucket, throttled
            ? new { op = "getObject", status = 503, code = "SlowDown", probability = 0.1 }
            : new { op = "getObject", delayMs = 5 });
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\nprefetch = auto\n");

        var r = await cli.RunAsync(["--endpoint-url", _server.Endpoint, "-l", "info", "--cache-hours", "0", $"s3://{bucket}/logs/"], null);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(ExpectedOutput(objects), r.Stdout);
        var summary = Assert.Single(r.StderrLines, l => l.Contains("prefetch auto ended at "));
        int window = int.Parse(summary[(summary.LastIndexOf(' ') + 1)..]);
        // A page of 120 small objects opens the window to 120 at once; throttling halves it from there.
        if (throttled) Assert.True(window < 120, summary);
        else Assert.InRange(window, S3Tail.Pipeline.PrefetchController.Min, S3Tail.Pipeline.PrefetchController.Max);
    }
}
