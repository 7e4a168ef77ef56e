using System.Security.Cryptography;
using System.Text;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// HTTP lets a server (or a proxy, or a gateway in front of S3) answer a ranged GET with 200 and
/// the whole body. s3tail asks for ranges for the parts of a large object and to continue a cut
/// body; whatever the answer, the output is the object, byte for byte, on both GET paths.
/// </summary>
public sealed class RangeIgnoredSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private Task<CliResult> Run(string bucket, bool sdkGets)
    {
        // The engine reads S3TAIL_SDK_GETS from its process's environment: that run needs a process.
        ICli cli = sdkGets ? new CliProcess() : new InProcessCli();
        if (sdkGets) cli.Environment["S3TAIL_SDK_GETS"] = "1";
        return cli.RunAsync(["-q", "--cache-hours", "0", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/"], null);
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_write_a_large_object_exactly_when_the_server_answers_its_parts_with_the_whole_body(bool sdkGets)
    {
        var bucket = await _server.CreateBucketAsync();
        var content = LargeObjectSpecs.Lines(7, 20);
        await _server.PutAsync(bucket, "logs/big.log", content);
        await _server.SetRulesAsync(bucket, new { ignoreRange = true });

        var result = await Run(bucket, sdkGets);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(content.Length, result.Stdout.Length);
        Assert.Equal(Hash(content), Hash(result.Stdout));
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(sdkGets ? 0 : counts.GetObject, counts.DirectGets);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_continue_a_cut_body_exactly_when_the_server_answers_the_rest_with_the_whole_body(bool sdkGets)
    {
        var bucket = await _server.CreateBucketAsync();
        var text = new StringBuilder();
        for (int i = 1; i <= 6000; i++) text.Append($"line {i:D6} of an object cut once and continued\n");
        var content = Encoding.ASCII.GetBytes(text.ToString());
        await _server.PutAsync(bucket, "logs/a.log", content);
        await _server.SetRulesAsync(bucket, new { ignoreRange = true }, new { op = "getObject", cutAfterBytes = 100_000, times = 1 });

        var result = await Run(bucket, sdkGets);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Encoding.ASCII.GetString(content), Encoding.ASCII.GetString(result.Stdout));
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(2, counts.GetObject);
        Assert.Equal(1, counts.Ranged);
    }
}
