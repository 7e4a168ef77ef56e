using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// A requester-pays bucket refuses (403) every request that does not say its sender pays:
/// --request-payer (or request_payer = requester in the config file) says so on every listing
/// and GET, on both GET paths; without it, the refusal says to add it.
/// </summary>
public sealed class RequesterPaysSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> RequesterPaysBucket()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, 4).Select(i => (Key: $"logs/{i:D2}", Decoded: AccessLog(i, 20))).ToList();
        await _server.SeedAsync(bucket, objects.Select(o => (o.Key, Encoding.UTF8.GetString(o.Decoded))));
        await _server.SetRulesAsync(bucket, new { op = "any", requesterPays = true });
        return (bucket, objects);
    }

    private Task<CliResult> Run(string bucket, ICli cli, params string[] more) =>
        cli.RunAsync(["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. more, $"s3://{bucket}/logs/"], null);

    private async Task AssertPaidFor(CliResult result, string bucket, List<(string Key, byte[] Decoded)> objects, bool direct)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(counts.List, counts.PayerLists);
        Assert.Equal(objects.Count, counts.GetObject);
        Assert.Equal(objects.Count, counts.PayerGets);
        Assert.Equal(direct ? objects.Count : 0, counts.DirectGets);
        Assert.Equal(0, counts.SignatureMismatch);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_say_it_pays_on_every_listing_and_get_with_the_option(bool sdkGets)
    {
        var (bucket, objects) = await RequesterPaysBucket();
        // The engine reads S3TAIL_SDK_GETS from its process's environment: that run needs a process.
        ICli cli = sdkGets ? new CliProcess() : new InProcessCli();
        if (sdkGets) cli.Environment["S3TAIL_SDK_GETS"] = "1";

        await AssertPaidFor(await Run(bucket, cli, "--request-payer"), bucket, objects, direct: !sdkGets);
    }

    [Fact]
    public async Task Should_take_the_option_as_the_AWS_CLI_writes_it()
    {
        var (bucket, objects) = await RequesterPaysBucket();

        await AssertPaidFor(await Run(bucket, new InProcessCli(), "--request-payer", "requester"), bucket, objects, direct: true);
    }

    [Fact]
    public async Task Should_say_it_pays_with_request_payer_in_the_config_file()
    {
        var (bucket, objects) = await RequesterPaysBucket();
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\nrequest_payer = requester\n");

        await AssertPaidFor(await Run(bucket, cli), bucket, objects, direct: true);
    }

    [Fact]
    public async Task Should_refuse_a_request_payer_value_other_than_requester_in_the_config_file()
    {
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\nrequest_payer = owner\n");

        var result = await Run("some-bucket", cli);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("request_payer", result.Stderr);
        Assert.Contains("requester", result.Stderr);
    }

    [Fact]
    public async Task Should_say_to_add_the_option_when_the_bucket_refuses_a_run_without_it()
    {
        var (bucket, _) = await RequesterPaysBucket();

        var result = await Run(bucket, new InProcessCli());

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.StderrLines, l => l.StartsWith("s3tail: error: "));
        Assert.Contains("access denied", error);
        Assert.Contains("--request-payer", error);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(0, counts.PayerLists);
    }
}
