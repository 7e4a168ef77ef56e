using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Credentials and signatures never reach a log, at any level, whatever goes wrong.</summary>
public sealed class SecretSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    [Fact]
    public async Task Should_never_log_credentials_tokens_or_signatures()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, Enumerable.Range(0, 6).Select(i => ($"logs/{i}", AccessLog(i, 20))));
        await _server.SetRulesAsync(bucket,
            new { op = "getObject", key = "logs/1$", status = 503, code = "SlowDown", times = 2 },
            new { op = "getObject", key = "logs/2$", cutAfterBytes = 500, times = 1 },
            new { op = "getObject", key = "logs/4$", status = 403, code = "AccessDenied" });
        var cli = new CliProcess();
        const string secret = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY";
        const string token = "FwoGZXIvYXdzEXAMPLE-SESSION-TOKEN-4f2a9c";
        await _server.AcceptSecretAsync(secret);
        cli.Environment["AWS_SECRET_ACCESS_KEY"] = secret;
        cli.Environment["AWS_SESSION_TOKEN"] = token;
        var logFile = Path.Combine(cli.Home, "debug.log");

        var result = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-l", "debug", "--log-file", logFile, $"s3://{bucket}/logs/");
        var again = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-l", "debug", "s3://no-such-bucket-zz/x");

        Assert.Equal(1, result.ExitCode);
        foreach (var text in new[] { result.Stderr, File.ReadAllText(logFile), again.Stderr })
        {
            Assert.DoesNotContain(secret, text);
            Assert.DoesNotContain(token, text);
            Assert.DoesNotContain("Signature=", text);
            Assert.DoesNotContain("X-Amz-Security-Token", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Authorization:", text, StringComparison.OrdinalIgnoreCase);
        }
        Assert.Contains("trying again", File.ReadAllText(logFile)); // the debug log did say things
    }
}
