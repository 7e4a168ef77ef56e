using S3Tail.Storage;

namespace S3Tail.Tests.Storage;

/// <summary>Every answer to a ranged GET is checked before a byte of it is used.</summary>
public sealed class RangedAnswerSpecs
{
    private static readonly byte[] Object = Enumerable.Range(0, 1000).Select(i => (byte)(i % 251)).ToArray();

    private static byte[] ReadAll(Stream s)
    {
        var copy = new MemoryStream();
        s.CopyTo(copy);
        return copy.ToArray();
    }

    [Theory]
    [InlineData("bytes 100-999/1000")]
    [InlineData("bytes 100-199/*")]
    public void Should_take_a_206_that_starts_at_the_byte_asked_for(string contentRange)
    {
        var body = RangedAnswer.Check(new MemoryStream(Object[100..]), 100, null, 206, contentRange, "s3://b/k");

        Assert.Equal(Object[100..], ReadAll(body));
    }

    [Theory]
    [InlineData("bytes 0-999/1000")]
    [InlineData("bytes 101-999/1000")]
    [InlineData(null)]
    [InlineData("items 100-999/1000")]
    public void Should_refuse_a_206_from_anywhere_else_or_that_does_not_say(string? contentRange)
    {
        var e = Assert.Throws<S3TailException>(() => RangedAnswer.Check(new MemoryStream(Object), 100, 100, 206, contentRange, "s3://b/k"));

        Assert.Contains("s3://b/k", e.Message);
        Assert.False(e.IsTransient);
    }

    [Fact]
    public void Should_skip_the_head_of_a_whole_object_sent_for_the_rest_of_it()
    {
        var body = RangedAnswer.Check(new MemoryStream(Object), 300, null, 200, null, "s3://b/k");

        Assert.Equal(Object[300..], ReadAll(body));
    }

    [Fact]
    public void Should_say_a_part_was_answered_with_the_whole_object()
    {
        var e = Assert.Throws<RangeNotServedException>(() => RangedAnswer.Check(new MemoryStream(Object), 400, 100, 200, null, "s3://b/k"));

        Assert.Equal(400, e.Offset);
        Assert.False(S3Tail.Storage.RetryPolicy.IsTransient(e));
    }

    [Fact]
    public void Should_take_a_whole_object_sent_for_a_part_from_its_first_byte()
    {
        var body = RangedAnswer.Check(new MemoryStream(Object), 0, 100, 200, null, "s3://b/k");

        Assert.Equal(Object, ReadAll(body));   // the caller reads the part's 100 bytes of it
    }

    [Fact]
    public void Should_fail_a_whole_object_shorter_than_the_head_to_skip_as_a_cut_body()
    {
        var body = RangedAnswer.Check(new MemoryStream(Object[..200]), 300, null, 200, null, "s3://b/k");

        Assert.True(RetryPolicy.IsTransient(Assert.Throws<IOException>(() => ReadAll(body))));
    }
}
