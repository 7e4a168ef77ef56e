using S3Tail.Tests.Support;

namespace S3Tail.Tests.Tooling;

/// <summary>Shell completion through System.CommandLine's [suggest] directive (dotnet-suggest).</summary>
public sealed class CompletionSpecs
{
    [Theory]
    [InlineData("s3tail --pre", "--prefetch")]
    [InlineData("s3tail --cache-", "--cache-hours\n--cache-lookup\n--cache-path")]
    public async Task Should_suggest_options_for_a_partial_word(string line, string expected)
    {
        var result = await new CliProcess().RunAsync($"[suggest:{line.Length}]", line);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected + "\n", result.StdoutText);
    }
}
