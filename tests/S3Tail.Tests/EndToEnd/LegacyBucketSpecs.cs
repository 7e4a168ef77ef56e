using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Bucket names S3 still serves from before 2018 (upper case, underscores) and S3-compatible
/// servers allow. s3rver's own PUT Bucket refuses them, so the test server makes the bucket
/// straight in its store; listing and GETs then go through s3rver as for any bucket.
/// </summary>
public sealed class LegacyBucketSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    [Fact]
    public async Task Should_read_a_bucket_named_with_upper_case_and_underscores_by_both_GET_paths_and_from_the_cache()
    {
        var bucket = await _server.CreateLegacyBucketAsync($"My_Legacy_Bucket_{Guid.NewGuid().ToString("N")[..6].ToUpperInvariant()}");
        await _server.SeedAsync(bucket, [("logs/a.log", "alpha\n"), ("logs/b.log", "beta 1\nbeta 2\n")]);
        var cli = new InProcessCli();
        string[] args = ["--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/"];

        var first = await cli.RunAsync(args, null);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("alpha\nbeta 1\nbeta 2\n", first.StdoutText);
        Assert.Equal("logs/b.log:2", first.Bookmark);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(0, counts.SignatureMismatch);
        Assert.Equal(2, counts.DirectGets);

        // A run that resumes inside an object, without the cache.
        var resumed = await new InProcessCli().RunAsync(["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "-b", "logs/b.log:1", $"s3://{bucket}/logs/"], null);
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal("beta 2\n", resumed.StdoutText);

        // The cache the first run filled answers a second run: no more GETs.
        int gets = (await _server.CountsAsync(bucket)).GetObject;
        var again = await cli.RunAsync(args, null);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(first.StdoutText, again.StdoutText);
        Assert.Equal(gets, (await _server.CountsAsync(bucket)).GetObject);
    }

    [Theory]
    [InlineData("s3://ab/logs/", "'ab' is not a bucket name")]
    [InlineData("s3://has space/logs/", "'has space' is not a bucket name")]
    [InlineData("s3://semi;colon/logs/", "'semi;colon' is not a bucket name")]
    public async Task Should_refuse_what_can_never_be_a_bucket_with_one_line_and_exit_2(string uri, string mention)
    {
        UsageError.AssertIn(await new InProcessCli().RunAsync(uri), mention);
    }
}
