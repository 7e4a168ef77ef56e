using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// S3 answers 403 for reasons other than credentials: an archived object (InvalidObjectState), a
/// clock too far from S3's (RequestTimeTooSkewed). Each gets its own message or its cure, on both
/// GET paths, and one object's error never turns s3tail's own GETs off for the rest of the run.
/// </summary>
public sealed class ForbiddenAnswerSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Bucket(params string[] names)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = names.Select((n, i) => (Key: $"logs/{n}", Decoded: AccessLog(i, 20))).ToList();
        await _server.SeedAsync(bucket, objects.Select(o => (o.Key, Encoding.UTF8.GetString(o.Decoded))));
        return (bucket, objects);
    }

    private Task<CliResult> Run(string bucket, ICli? cli = null, params string[] more) =>
        (cli ?? new InProcessCli()).RunAsync(["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "-p", "1", .. more, $"s3://{bucket}/logs/"], null);

    private static CliProcess SdkGets()
    {
        var cli = new CliProcess();
        cli.Environment["S3TAIL_SDK_GETS"] = "1";
        return cli;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_say_an_archived_object_needs_a_restore(bool sdkGets)
    {
        var (bucket, _) = await Bucket("a", "b", "c");
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "/b$", status = 403, code = "InvalidObjectState" });

        var result = await Run(bucket, sdkGets ? SdkGets() : null);

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.StderrLines, l => l.StartsWith("s3tail: error: "));
        Assert.Contains("logs/b", error);
        Assert.Contains("archived", error);
        Assert.Contains("restore", error);
        Assert.DoesNotContain("access denied", error);
    }

    [Fact]
    public async Task Should_skip_an_archived_object_with_skip_errors_and_keep_its_own_gets_for_the_others()
    {
        var (bucket, objects) = await Bucket("a", "b", "c");
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "/b$", status = 403, code = "InvalidObjectState" });

        var result = await Run(bucket, null, "--skip-errors");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects.Where(o => o.Key != "logs/b")), result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("skipped 'logs/b'") && l.Contains("archived"));
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(3, counts.GetObject);
        Assert.Equal(3, counts.DirectGets);
    }

    [Fact]
    public async Task Should_hand_only_that_get_to_the_SDK_after_one_objects_unexpected_answer_and_say_so_at_debug()
    {
        var (bucket, objects) = await Bucket("a", "b", "c", "d");
        // An answer about one object (here a 400 only it gets): the SDK does that GET; the rest stay direct.
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "/b$", status = 400, code = "InvalidRequest", times = 1 });

        var result = await Run(bucket, null, "-l", "debug");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains("debug") && l.Contains("logs/b") && l.Contains("SDK"));
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(5, counts.GetObject);
        Assert.Equal(4, counts.DirectGets);
    }

    [Theory]
    [InlineData(false, "getObject")]
    [InlineData(false, "any")]
    [InlineData(true, "getObject")]
    [InlineData(true, "any")]
    public async Task Should_correct_a_clock_an_hour_off_the_servers_as_the_SDK_does(bool sdkGets, string op)
    {
        var (bucket, objects) = await Bucket("a", "b", "c");
        // The server's clock is an hour ahead: a request signed with this machine's time is refused.
        await _server.SetRulesAsync(bucket, new { op, skewSeconds = 3600 });

        var result = await Run(bucket, sdkGets ? SdkGets() : null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var counts = await _server.CountsAsync(bucket);
        // Every GET on the path it started on (none handed over), and few refused for the clock.
        Assert.Equal(sdkGets ? 0 : counts.GetObject, counts.DirectGets);
        Assert.InRange(counts.GetObject, 3, 5);
        Assert.Equal(0, counts.SignatureMismatch);
        // The listing taught the SDK the server's time; the direct path signs with the SDK's corrected clock.
        if (op == "any" && !sdkGets) Assert.Equal(3, counts.GetObject);
    }

    [Fact]
    public async Task Should_name_the_clock_when_correcting_it_is_turned_off()
    {
        var (bucket, _) = await Bucket("a");
        await _server.SetRulesAsync(bucket, new { op = "getObject", skewSeconds = 3600 });
        var cli = new CliProcess();
        cli.Environment["AWS_DISABLE_CLOCK_SKEW_CORRECTION"] = "true";

        var result = await Run(bucket, cli);

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.StderrLines, l => l.StartsWith("s3tail: error: "));
        Assert.Contains("clock", error);
        Assert.Contains("RequestTimeTooSkewed", error);
    }
}
