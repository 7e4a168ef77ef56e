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

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3:///key")]
    [InlineData("s3://ab")]
    [InlineData("s3://UPPER")]
    [InlineData("s3://under_score")]
    [InlineData("s3://-leading")]
    [InlineData("s3://double..dot")]
    [InlineData("s3://192.168.1.1")]
    [InlineData("http://bucket/x")]
    [InlineData("")]
    public void Should_refuse_what_s3_would_reject(string text)
    {
        var e = Assert.Throws<S3TailException>(() => SourceUri.Parse(text));
        Assert.Equal(ErrorKind.Usage, e.Kind);
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
