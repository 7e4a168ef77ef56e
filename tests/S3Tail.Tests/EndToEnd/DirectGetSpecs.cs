using System.Text;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Object GETs go out through s3tail's own signed HttpClient requests, not the SDK's pipeline.
/// The test server checks every GET's SigV4 signature as S3 does (an implementation of its own,
/// which the SDK's GETs pass too), and counts GETs by User-Agent, so these specs see which path
/// a GET took and that its signature held.
/// </summary>
public sealed class DirectGetSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    // Keys whose path encoding is easy to get wrong: reserved and unreserved punctuation, spaces,
    // percent signs, non-ASCII. (Not dot segments: s3rver keeps objects as files, so it stores
    // "a/./b/../c" as "a/c".)
    private static readonly string[] AwkwardKeys =
    [
        "logs/plain-2016-09-11",
        "logs/with space and+plus=equals",
        "logs/100% done;semi,comma",
        "logs/tilde~under_score-dash.dot",
        "logs/brackets(1)[2]{3}!*'@$&",
        "logs/é-ü-日本-😀",
        "logs/colon:hash#question?",
    ];

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Bucket(IEnumerable<string> keys)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = keys.Select((k, i) => (Key: k, Decoded: AccessLog(i, 20))).ToList();
        await _server.SeedAsync(bucket, objects.Select(o => (o.Key, Encoding.UTF8.GetString(o.Decoded))));
        return (bucket, objects);
    }

    private Task<CliResult> Run(string bucket, ICli? cli = null, params string[] more) =>
        (cli ?? new InProcessCli()).RunAsync(["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. more, $"s3://{bucket}/logs/"], null);

    /// <summary>The run wrote every object exactly, no signature was refused, and this many GETs were direct.</summary>
    private async Task AssertExactAndSigned(CliResult result, string bucket, List<(string Key, byte[] Decoded)> objects, int directGets)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects.OrderBy(o => o.Key, ByteOrder.Instance)), result.Stdout);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(0, counts.SignatureMismatch);
        Assert.Equal(directGets, counts.DirectGets);
        Assert.Equal(objects.Count, counts.GetObject);
    }

    [Fact]
    public async Task Should_sign_every_key_as_S3_checks_it()
    {
        var (bucket, objects) = await Bucket(AwkwardKeys);

        await AssertExactAndSigned(await Run(bucket), bucket, objects, directGets: AwkwardKeys.Length);
    }

    [Fact]
    public async Task Should_sign_the_session_token_of_temporary_credentials()
    {
        var (bucket, objects) = await Bucket(AwkwardKeys.Take(3));
        var cli = new CliProcess();
        cli.Environment["AWS_SESSION_TOKEN"] = "FwoGZXIvYXdzEJr//////////wEaDH token with spaces  ";

        await AssertExactAndSigned(await Run(bucket, cli), bucket, objects, directGets: 3);
    }

    [Fact]
    public async Task Should_sign_with_the_credentials_of_the_named_profile_as_the_SDK_does()
    {
        var (bucket, objects) = await Bucket(AwkwardKeys.Take(3));
        var cli = new CliProcess();
        File.WriteAllText(cli.Environment["AWS_SHARED_CREDENTIALS_FILE"]!,
            $"[logs]\naws_access_key_id = {S3TestServer.AccessKey}\naws_secret_access_key = {S3TestServer.SecretKey}\n");
        // Keys in the environment too, with a wrong secret: --profile must win, for GETs as for the SDK.
        cli.Environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";

        await AssertExactAndSigned(await Run(bucket, cli, "--profile", "logs"), bucket, objects, directGets: 3);
    }

    [Fact]
    public async Task Should_hand_every_later_get_to_the_SDK_after_an_answer_it_does_not_expect()
    {
        var (bucket, objects) = await Bucket(Enumerable.Range(0, 6).Select(i => $"logs/{i:D3}"));
        // A redirect is how S3 answers a request sent to the wrong region's endpoint.
        await _server.SetRulesAsync(bucket, new { op = "getObject", status = 301, code = "PermanentRedirect", times = 1 });

        var result = await Run(bucket, null, "-p", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(1, counts.DirectGets);
        Assert.Equal(7, counts.GetObject);
    }

    [Fact]
    public async Task Should_refuse_wrong_credentials_with_the_SDKs_message()
    {
        var (bucket, _) = await Bucket(["logs/a"]);
        var cli = new CliProcess();
        cli.Environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret";

        var result = await Run(bucket, cli);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("the credentials were refused (SignatureDoesNotMatch)", result.Stderr);
        Assert.Single(result.StderrLines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_use_the_SDK_for_every_get_when_asked()
    {
        var (bucket, objects) = await Bucket(AwkwardKeys);
        var cli = new CliProcess();
        cli.Environment["S3TAIL_SDK_GETS"] = "1";

        await AssertExactAndSigned(await Run(bucket, cli), bucket, objects, directGets: 0);
    }
}
