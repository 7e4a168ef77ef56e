using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Runs over workers resume exactly: from a bookmark inside an object under grep, and after a SIGINT.</summary>
public sealed class WorkerResumeSpecs(S3ServerFixture fixture) : WorkerFleet(fixture), IClassFixture<S3ServerFixture>
{
    [Theory]
    [InlineData("-e", "REST.PUT.OBJECT", "-F")]
    [InlineData("-e", "assets/9[0-9]\\.js", "-v")]
    public async Task Should_write_exactly_what_one_machine_writes_under_grep_resuming_mid_object(string e, string pattern, string modifier)
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string a = StartWorker(), b = StartWorker();
        var (bucket, _) = await Bucket(200);
        // Resume inside an object: the workers must skip its first lines, as the run's node would.
        string[] grep = [e, pattern, modifier, "-b", "logs/0003:17"];

        var alone = await new InProcessCli().RunAsync(
            ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. grep, $"s3://{bucket}/logs/"], null, TimeSpan.FromSeconds(90));
        var spread = await RunOnceJoined(bucket, [.. RunArgs(bucket, [a, b]).SkipLast(1), .. grep, $"s3://{bucket}/logs/"], 2);

        Assert.True(alone.ExitCode == 0, alone.ToString());
        Assert.True(spread.ExitCode == 0, spread.ToString());
        Assert.NotEmpty(alone.Stdout);
        Assert.Equal(alone.Stdout, spread.Stdout);
        Assert.Equal(alone.StderrLines.Last(l => l.StartsWith("Bookmark: ")), spread.StderrLines.Last(l => l.StartsWith("Bookmark: ")));
        Assert.Equal(2, spread.StderrLines.Count(l => l.Contains("joined the run")));
    }

    [Fact]
    public async Task Should_stop_on_sigint_with_an_exact_bookmark_and_resume_exactly_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string a = StartWorker(), b = StartWorker();
        var (bucket, objects) = await Bucket(300);

        using var run = await StartOnceJoined(bucket, RunArgs(bucket, [a, b]), 2, delayMs: 300);
        await run.WaitForOutputAsync(20_000, TimeSpan.FromSeconds(60));
        run.Signal(RunningCli.SIGINT);
        var stopped = await run.WaitAsync(TimeSpan.FromSeconds(30));
        await _server.SetRulesAsync(bucket);
        var resumed = await new CliProcess().RunAsync([.. RunArgs(bucket, [a, b]).SkipLast(1), "-b", stopped.Bookmark!, $"s3://{bucket}/logs/"],
            null, TimeSpan.FromSeconds(90));

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(ExpectedOutput(objects), stopped.Stdout.Concat(resumed.Stdout).ToArray());
    }
}
