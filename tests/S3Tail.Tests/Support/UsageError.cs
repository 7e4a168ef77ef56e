namespace S3Tail.Tests.Support;

/// <summary>What bad usage looks like from outside: exit 2, one "s3tail: error:" line naming the problem, nothing on stdout.</summary>
public static class UsageError
{
    public static void AssertIn(CliResult result, string mention)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.StderrLines);
        Assert.StartsWith("s3tail: error: ", line);
        Assert.Contains(mention, line);
        Assert.Empty(result.Stdout);
    }
}
