using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// The region s3tail signs for with --endpoint-url (MinIO, Ceph set up with a region), resolved
/// as the AWS SDK and CLI do: the option, AWS_REGION, AWS_DEFAULT_REGION, the profile's region,
/// us-east-1 only when none says. The test server records the region of every request's SigV4
/// scope, LIST and GET, the SDK's and the direct GET path's.
/// </summary>
public sealed class RegionSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    /// <summary>The regions one run signed its requests for, with only the given settings of region.</summary>
    private async Task<string[]> SignedFor(string? option = null, string? awsRegion = null, string? defaultRegion = null,
        string? configFile = null, string? profile = null)
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.SeedAsync(bucket, [("logs/a.log", "alpha\n"), ("logs/b.log", "beta\n")]);
        await _server.ResetAsync(bucket);   // the bucket was made with the server's own client
        var cli = new CliProcess();
        cli.Environment["AWS_REGION"] = awsRegion;
        cli.Environment["AWS_DEFAULT_REGION"] = defaultRegion;
        cli.Environment["AWS_PROFILE"] = profile;
        if (configFile is not null) await File.WriteAllTextAsync(cli.Environment["AWS_CONFIG_FILE"]!, configFile);
        string[] args = ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. option is null ? [] : new[] { "--region", option }, $"s3://{bucket}/logs/"];

        var result = await cli.RunAsync(args, null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("alpha\nbeta\n", result.StdoutText);
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(0, counts.SignatureMismatch);
        Assert.Equal(2, counts.DirectGets);   // the direct GET path signed too
        return counts.SigningRegions.ToArray();
    }

    private const string Config = "[default]\nregion = ap-southeast-2\n\n[profile minio]\nregion = eu-central-1\n";

    [Fact]
    public async Task Should_sign_for_AWS_DEFAULT_REGION()
    {
        Assert.Equal(["eu-west-3"], await SignedFor(defaultRegion: "eu-west-3"));
    }

    [Fact]
    public async Task Should_sign_for_the_default_profiles_region_in_the_config_file()
    {
        Assert.Equal(["ap-southeast-2"], await SignedFor(configFile: Config));
    }

    [Fact]
    public async Task Should_sign_for_the_named_profiles_region_in_the_config_file()
    {
        Assert.Equal(["eu-central-1"], await SignedFor(configFile: Config, profile: "minio"));
    }

    [Fact]
    public async Task Should_sign_for_us_east_1_when_nothing_names_a_region()
    {
        Assert.Equal(["us-east-1"], await SignedFor());
    }

    [Fact]
    public async Task Should_take_the_option_then_AWS_REGION_then_AWS_DEFAULT_REGION_then_the_profile()
    {
        Assert.Equal(["sa-east-1"], await SignedFor("sa-east-1", "us-west-2", "eu-west-3", Config, "minio"));
        Assert.Equal(["us-west-2"], await SignedFor(null, "us-west-2", "eu-west-3", Config, "minio"));
        Assert.Equal(["eu-west-3"], await SignedFor(null, null, "eu-west-3", Config, "minio"));
        Assert.Equal(["eu-central-1"], await SignedFor(null, null, null, Config, "minio"));
    }
}
