using S3Tail.Storage;
using S3Tail.Workers;

namespace S3Tail.Tests.Workers;

/// <summary>What a worker is told about the bucket: names and an address, never a secret.</summary>
public sealed class SourceSpecSpecs
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Theory]
    [InlineData("https://reader:s3cr3t@minio.internal:9000/", "https://minio.internal:9000/")]
    [InlineData("http://token@127.0.0.1:9000", "http://127.0.0.1:9000")]
    [InlineData("https://s3.eu-west-1.amazonaws.com", "https://s3.eu-west-1.amazonaws.com")]
    public void Should_send_the_endpoint_without_any_user_or_password(string endpoint, string sent)
    {
        var spec = SourceSpec.For("logs", new S3Settings(EndpointUrl: endpoint), Env());

        Assert.Equal(sent, spec.Endpoint);
        Assert.DoesNotContain("s3cr3t", spec.ToString());
    }

    [Fact]
    public void Should_send_the_runs_region_from_the_command_line_else_its_environment()
    {
        Assert.Equal("eu-west-1", SourceSpec.For("b", new S3Settings("eu-west-1"), Env(("AWS_REGION", "us-west-2"))).Region);
        Assert.Equal("us-west-2", SourceSpec.For("b", new S3Settings(), Env(("AWS_REGION", "us-west-2"), ("AWS_DEFAULT_REGION", "ap-south-1"))).Region);
        Assert.Equal("ap-south-1", SourceSpec.For("b", new S3Settings(), Env(("AWS_DEFAULT_REGION", "ap-south-1"))).Region);
        // Nothing names one (a profile that is not there, so that this machine's ~/.aws/config does not count).
        Assert.Null(SourceSpec.For("b", new S3Settings(Profile: $"absent-{Guid.NewGuid():N}"), Env()).Region);
    }

    [Fact]
    public void Should_send_that_the_run_pays_for_a_requester_pays_bucket()
    {
        Assert.True(SourceSpec.For("b", new S3Settings(RequesterPays: true), Env()).RequesterPays);
        Assert.False(SourceSpec.For("b", new S3Settings(), Env()).RequesterPays);
    }

    [Fact]
    public void Should_send_the_profile_name_only()
    {
        var spec = SourceSpec.For("b", new S3Settings(Profile: "reader"), Env(("AWS_SECRET_ACCESS_KEY", "never"), ("AWS_SESSION_TOKEN", "never")));

        Assert.Equal(new SourceSpec("b", null, "reader", null), spec with { Endpoint = null });
        Assert.DoesNotContain("never", spec.ToString());
    }
}
