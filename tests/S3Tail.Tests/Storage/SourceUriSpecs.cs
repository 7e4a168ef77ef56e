using S3Tail.Storage;

namespace S3Tail.Tests.Storage;

public sealed class SourceUriSpecs
{
    [Theory]
    [InlineData("s3://my-logs/prod/s3/", "my-logs", "prod/s3/")]
    [InlineData("s3://my-logs", "my-logs", "")]
    [InlineData("my-logs/prod", "my-logs", "prod")]
    [InlineData("S3://my.logs.bucket/a:b", "my.logs.bucket", "a:b")]
    public void Should_split_an_s3_uri_into_bucket_and_prefix(string text, string bucket, string prefix)
    {
        var uri = SourceUri.Parse(text);
        Assert.False(uri.IsLocal);
        Assert.Equal(bucket, uri.Bucket);
        Assert.Equal(prefix, uri.Prefix);
    }

    /// <summary>
    /// Names S3 still serves (us-east-1 buckets made before March 2018: 3 to 255 letters of either
    /// case, digits, '.', '-', '_') and S3-compatible servers allow.
    /// </summary>
    [Theory]
    [InlineData("s3://My_Legacy_Bucket/logs/", "My_Legacy_Bucket", "logs/")]
    [InlineData("s3://UPPER", "UPPER", "")]
    [InlineData("under_score/x", "under_score", "x")]
    [InlineData("s3://-leading", "-leading", "")]
    [InlineData("s3://trailing-", "trailing-", "")]
    [InlineData("s3://double..dot", "double..dot", "")]
    [InlineData("s3://192.168.1.1", "192.168.1.1", "")]
    [InlineData("s3://abc", "abc", "")]
    public void Should_accept_a_legacy_bucket_name(string text, string bucket, string prefix)
    {
        var uri = SourceUri.Parse(text);
        Assert.False(uri.IsLocal);
        Assert.Equal(bucket, uri.Bucket);
        Assert.Equal(prefix, uri.Prefix);
    }

    [Fact]
    public void Should_accept_a_bucket_name_of_255_characters_and_refuse_one_of_256()
    {
        string longest = "A_" + new string('b', 253);
        Assert.Equal(longest, SourceUri.Parse($"s3://{longest}/x").Bucket);
        var e = Assert.Throws<S3TailException>(() => SourceUri.Parse($"s3://{longest}c/x"));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains("256 characters", e.Message);
    }

    /// <summary>What can never be a bucket: too short, too long, or a character no bucket has.</summary>
    [Theory]
    [InlineData("s3://", "names no bucket")]
    [InlineData("s3:///key", "names no bucket")]
    [InlineData("s3://a", "'a' is not a bucket name")]
    [InlineData("s3://ab/x", "'ab' is not a bucket name")]
    [InlineData("s3://has space/x", "'has space' is not a bucket name")]
    [InlineData("s3://semi;colon", "'semi;colon' is not a bucket name")]
    [InlineData("s3://per%20cent", "'per%20cent' is not a bucket name")]
    [InlineData("s3://é-bucket", "'é-bucket' is not a bucket name")]
    [InlineData("s3://a?b=c", "'a?b=c' is not a bucket name")]
    [InlineData("s3://back\\slash", "is not a bucket name")]
    [InlineData("s3://user@host", "'user@host' is not a bucket name")]
    [InlineData("s3://new\nline/x", "'new\\u000Aline' is not a bucket name")]
    [InlineData("http://bucket/x", "Unsupported URI")]
    [InlineData("", "The URI is empty")]
    public void Should_refuse_what_can_never_be_a_bucket(string text, string mention)
    {
        var e = Assert.Throws<S3TailException>(() => SourceUri.Parse(text));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.Contains(mention, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Should_make_the_deepest_existing_folder_the_bucket()
    {
        var root = Directory.CreateTempSubdirectory("s3tail-uri-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "logs"));
            var uri = SourceUri.Parse($"file://{root}/logs/2016-09/day");
            Assert.True(uri.IsLocal);
            Assert.Equal(Path.Combine(root, "logs"), uri.Bucket);
            Assert.Equal("2016-09/day", uri.Prefix);
            Assert.Equal("", SourceUri.Parse($"{root}/logs/").Prefix);
            Assert.Equal("x/", SourceUri.Parse($"{root}/logs/x/").Prefix);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
