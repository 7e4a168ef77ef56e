using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Bad input is refused with exit 2 and one line that says what is wrong and how to fix it.</summary>
public sealed class BadInputSpecs
{
    private static void AssertUsageError(CliResult result, string mention)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("s3tail: error: ", line);
        Assert.Contains(mention, line);
        Assert.Empty(result.Stdout);
    }

    [Theory]
    [InlineData("abc:xyz", "no valid line number")]
    [InlineData(":5", "names no key")]
    [InlineData("k:-1", "no valid line number")]
    [InlineData("k:", "no valid line number")]
    [InlineData("has space", "neither KEY:LINE nor a bookmark name")]
    [InlineData("a=b", "neither KEY:LINE nor a bookmark name")]
    public async Task Should_refuse_a_malformed_bookmark(string bookmark, string mention) =>
        AssertUsageError(await new CliProcess().RunAsync("-b", bookmark, "s3://bucket/x"), mention);

    [Fact]
    public async Task Should_refuse_a_config_file_that_cannot_be_read()
    {
        var cli = new CliProcess();
        var folder = Path.Combine(cli.Home, "a-folder");
        Directory.CreateDirectory(folder);
        AssertUsageError(await cli.RunAsync("-c", folder, "s3://bucket/x"), $"'{folder}' is a folder");
    }

    [Fact]
    public async Task Should_refuse_a_config_option_that_is_not_a_number_naming_the_file()
    {
        var cli = new CliProcess();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\nprefetch = lots\n");
        AssertUsageError(await cli.RunAsync("s3://bucket/x"), "prefetch = 'lots' is not a number");
    }

    [Fact]
    public async Task Should_refuse_a_saved_bookmark_that_is_not_key_line()
    {
        var cli = new CliProcess();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[bookmarks]\ndaily = not-a-bookmark\n");
        AssertUsageError(await cli.RunAsync("-b", "daily", "s3://bucket/x"), "the bookmark 'daily' is not KEY:LINE");
    }

    [Fact]
    public async Task Should_refuse_a_missing_uri()
    {
        var result = await new CliProcess().RunAsync();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("URI", result.Stderr);
    }
}
