using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Bad input is refused with exit 2 and one line that says what is wrong and how to fix it.</summary>
public sealed class BadInputSpecs
{
    [Theory]
    [InlineData("abc:xyz", "no valid line number")]
    [InlineData(":5", "names no key")]
    [InlineData("k:-1", "no valid line number")]
    [InlineData("k:", "no valid line number")]
    [InlineData("has space", "neither KEY:LINE nor a bookmark name")]
    [InlineData("a=b", "neither KEY:LINE nor a bookmark name")]
    public async Task Should_refuse_a_malformed_bookmark(string bookmark, string mention) =>
        UsageError.AssertIn(await new InProcessCli().RunAsync("-b", bookmark, "s3://bucket/x"), mention);

    [Fact]
    public async Task Should_refuse_a_config_file_that_cannot_be_read()
    {
        var cli = new InProcessCli();
        var folder = Path.Combine(cli.Home, "a-folder");
        Directory.CreateDirectory(folder);
        UsageError.AssertIn(await cli.RunAsync("-c", folder, "s3://bucket/x"), $"'{folder}' is a folder");
    }

    [Fact]
    public async Task Should_refuse_a_config_option_that_is_not_a_number_naming_the_file()
    {
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\nprefetch = lots\n");
        UsageError.AssertIn(await cli.RunAsync("s3://bucket/x"), "line 2: prefetch takes auto or a whole number from 1 to 1024; got 'lots'");
    }

    [Theory]
    [InlineData("[options]\nprefetch = 0\n", "line 2: prefetch takes auto or a whole number from 1 to 1024; got '0'")]
    [InlineData("[options]\n\ncache_hours = 1e9\n", "line 3: cache_hours takes a number of hours from 0 (no cache) to 1000000; got '1e9'")]
    [InlineData("[options]\nregion = not a region\n", "line 2: region = 'not a region' is not an AWS region name")]
    [InlineData("[options]\nlog_level = loud\n", "line 2: log_level = 'loud' is not a log level")]
    [InlineData("[options]\ntimeout = 0\n", "line 2: timeout takes a number of seconds from 0.1 to 86400; got '0'")]
    public async Task Should_name_the_file_and_line_of_a_config_value_that_fails_its_check(string config, string mention)
    {
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), config);
        UsageError.AssertIn(await cli.RunAsync("s3://bucket/x"), mention);
    }

    [Theory]
    [InlineData(new[] { "-r", "not a region", "s3://bucket/x" }, "--region 'not a region' is not an AWS region name")]
    [InlineData(new[] { "--cache-hours", "1e9", "s3://bucket/x" }, "--cache-hours takes a number of hours from 0 (no cache) to 1000000; got '1e9'")]
    [InlineData(new[] { "--bogus", "s3://bucket/x" }, "unknown option '--bogus'")]
    [InlineData(new[] { "--timeout", "never", "s3://bucket/x" }, "--timeout takes a number of seconds")]
    public async Task Should_refuse_bad_option_values_in_one_line_naming_the_option(string[] args, string mention)
    {
        UsageError.AssertIn(await new InProcessCli().RunAsync(args), mention);
    }

    [Fact]
    public async Task Should_never_echo_credentials_embedded_in_an_endpoint_url()
    {
        var cli = new CliProcess();
        cli.Environment["AWS_ENDPOINT_URL_S3"] = "http://envuser:envsecret@127.0.0.1:1";
        var fromEnv = await cli.RunAsync("--timeout", "0.2", "-l", "debug", "s3://bucket/x");
        var fromOption = await new CliProcess().RunAsync("--endpoint-url", "http://optuser:optsecret@127.0.0.1:1", "--timeout", "0.2", "s3://bucket/x");
        Assert.Equal(1, fromEnv.ExitCode);
        Assert.DoesNotContain("envsecret", fromEnv.Stderr);
        Assert.DoesNotContain("optsecret", fromOption.Stderr);
        Assert.Contains("***@127.0.0.1:1", fromOption.Stderr);
    }

    [Fact]
    public async Task Should_refuse_a_saved_bookmark_that_is_not_key_line()
    {
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[bookmarks]\ndaily = not-a-bookmark\n");
        UsageError.AssertIn(await cli.RunAsync("-b", "daily", "s3://bucket/x"), "the bookmark 'daily' is not KEY:LINE");
    }

    [Fact]
    public async Task Should_refuse_a_missing_uri()
    {
        var result = await new InProcessCli().RunAsync();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("URI", result.Stderr);
    }
}
