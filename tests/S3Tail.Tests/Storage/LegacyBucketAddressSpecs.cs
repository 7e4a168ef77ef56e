using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Tail.Tests.Storage;

/// <summary>
/// On AWS itself a legacy bucket name (upper case, '_') cannot be a host name: the SDK's endpoint
/// rules address it path-style, and the direct GET path takes its base path from those rules.
/// </summary>
public sealed class LegacyBucketAddressSpecs
{
    [Theory]
    [InlineData("My_Legacy_Bucket")]
    [InlineData("UPPER")]
    [InlineData("double..dot")]
    public void Should_address_a_legacy_bucket_on_AWS_path_style(string bucket)
    {
        using var sdk = new AmazonS3Client(new AnonymousAWSCredentials(), new AmazonS3Config { RegionEndpoint = RegionEndpoint.USEast1 });

        var endpoint = sdk.DetermineServiceOperationEndpoint(new GetObjectRequest { BucketName = bucket, Key = "k" });

        var url = new Uri(endpoint.URL);
        Assert.EndsWith(".amazonaws.com", url.Host);
        Assert.DoesNotContain(bucket.ToLowerInvariant(), url.Host);
        Assert.Equal($"/{bucket}", url.AbsolutePath.TrimEnd('/'));
    }
}
