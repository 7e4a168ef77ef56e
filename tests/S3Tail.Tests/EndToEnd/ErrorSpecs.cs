using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Each failure gives one clear line on stderr and the documented exit code; no stack trace.</summary>
public sealed class ErrorSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private static void AssertOneErrorLine(CliResult result, int exitCode, params string[] mentions)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var errors = result.StderrLines.Where(l => l.StartsWith("s3tail: error: ")).ToList();
        Assert.True(errors.Count == 1, result.ToString());
        foreach (var m in mentions) Assert.Contains(m, errors[0]);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Should_name_a_missing_bucket_and_exit_1()
    {
        var result = await new InProcessCli().RunAsync("--endpoint-url", _server.Endpoint, "s3://no-such-bucket-here/x");
        AssertOneErrorLine(result, 1, "no-such-bucket-here", "does not exist");
    }

    [Fact]
    public async Task Should_say_access_denied_and_exit_1()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.SetRulesAsync(bucket, new { op = "list", status = 403, code = "AccessDenied" });
        var result = await new InProcessCli().RunAsync("--endpoint-url", _server.Endpoint, $"s3://{bucket}/");
        AssertOneErrorLine(result, 1, bucket, "access denied");
    }

    [Fact]
    public async Task Should_say_the_endpoint_cannot_be_reached_and_exit_1()
    {
        // A port nobody listens on: bind one, note it, close it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var result = await new InProcessCli().RunAsync("--endpoint-url", $"http://127.0.0.1:{port}", "s3://some-bucket/x");
        AssertOneErrorLine(result, 1, $"127.0.0.1:{port}", "cannot reach");
    }

    [Theory]
    [InlineData("s3://", "names no bucket")]
    [InlineData("s3:///key", "names no bucket")]
    [InlineData("s3://not:a:bucket/x", "'not:a:bucket' is not a bucket name")]   // (Not_A_Bucket is a legacy name: LegacyBucketSpecs)
    [InlineData("ftp://host/x", "Unsupported URI")]
    public async Task Should_refuse_a_malformed_uri_with_exit_2(string uri, string mention)
    {
        var result = await new InProcessCli().RunAsync(uri);
        AssertOneErrorLine(result, 2, mention);
    }

    [Theory]
    [InlineData("--log-level", "loud", "Unknown log level 'loud'")]
    [InlineData("--prefetch", "0", "--prefetch takes auto or a whole number from 1 to 1024")]
    [InlineData("--prefetch", "-3", "--prefetch")]
    [InlineData("--prefetch", "many", "--prefetch takes auto or a whole number")]
    [InlineData("--prefetch", "100000", "--prefetch takes auto or a whole number from 1 to 1024")]
    [InlineData("--cache-hours", "-1", "--cache-hours takes a number of hours from 0")]
    [InlineData("--endpoint-url", "localhost:9000", "not an http:// or https:// URL")]
    public async Task Should_refuse_a_bad_option_value_with_exit_2(string option, string value, string mention)
    {
        var result = await new InProcessCli().RunAsync(option, value, "s3://bucket/x");
        AssertOneErrorLine(result, 2, mention);
    }

    [Fact]
    public async Task Should_print_a_stack_trace_only_at_debug_level()
    {
        var result = await new InProcessCli().RunAsync("--endpoint-url", _server.Endpoint, "-l", "debug", "s3://no-such-bucket-here/x");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("   at ", result.Stderr);
    }

    [Fact]
    public async Task Should_answer_version_and_help_on_stdout_with_exit_0()
    {
        var cli = new InProcessCli();
        var version = await cli.RunAsync("--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+\n$", version.StdoutText);
        var help = await cli.RunAsync("--help");
        Assert.Equal(0, help.ExitCode);
        foreach (var option in new[] { "--prefetch", "--bookmark", "--endpoint-url", "--cache-hours", "--cache-lookup", "--skip-errors", "--quiet" })
            Assert.Contains(option, help.StdoutText);
    }
}
