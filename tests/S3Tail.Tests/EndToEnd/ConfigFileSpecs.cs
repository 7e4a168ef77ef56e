using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>The config file's [options] are defaults; the command line wins.</summary>
public sealed class ConfigFileSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    [Fact]
    public async Task Should_read_options_from_the_default_config_file()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "k", Text("from the config's endpoint\n"));
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"),
            $"# my settings\n[options]\nendpoint_url = {_server.Endpoint}\nprefetch = 3\nlog_level = info\n");

        var result = await cli.RunAsync($"s3://{bucket}/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("from the config's endpoint\n", result.StdoutText);
        Assert.Contains("s3tail: info:", result.Stderr);
    }

    [Fact]
    public async Task Should_let_the_command_line_beat_the_config_file()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "k", Text("x\n"));
        var cli = new InProcessCli();
        var config = Path.Combine(cli.Home, "other.ini");
        File.WriteAllText(config, "[options]\nendpoint_url = http://127.0.0.1:1\nlog_level = debug\nprefetch = 3\n");

        var result = await cli.RunAsync("-c", config, "--endpoint-url", _server.Endpoint, "-l", "error", "-p", "2", $"s3://{bucket}/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("x\n", result.StdoutText);
        Assert.DoesNotContain("debug", result.Stderr);
    }

    [Fact]
    public async Task Should_name_the_file_and_line_of_a_syntax_error_and_exit_2()
    {
        var cli = new InProcessCli();
        var config = Path.Combine(cli.Home, "broken.ini");
        File.WriteAllText(config, "[options]\nregion = us-west-2\nthis line is not ini\n");
        var result = await cli.RunAsync("-c", config, "s3://bucket/x");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"'{config}' line 3", result.Stderr);
    }
}
