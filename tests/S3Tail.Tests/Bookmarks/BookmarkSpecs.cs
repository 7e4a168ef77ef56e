using S3Tail.Bookmarks;

namespace S3Tail.Tests.Bookmarks;

public sealed class BookmarkSpecs
{
    [Theory]
    [InlineData("logs/2016-09-11-02-26-19-718F:2935", "logs/2016-09-11-02-26-19-718F", 2935)]
    [InlineData("with:colons:in:key:7", "with:colons:in:key", 7)]
    [InlineData("k:0", "k", 0)]
    public void Should_split_at_the_last_colon(string text, string key, long line)
    {
        var b = Bookmark.Parse(text);
        Assert.Equal(key, b.Key);
        Assert.Equal(line, b.Line);
        Assert.Equal(text, b.ToString());
    }

    [Theory]
    [InlineData("abc:xyz")]
    [InlineData(":5")]
    [InlineData("k:-1")]
    [InlineData("k:")]
    [InlineData("k:1.5")]
    [InlineData("k: 3")]
    [InlineData("k:99999999999999999999999")]
    public void Should_refuse_a_malformed_bookmark(string text)
    {
        var e = Assert.Throws<S3TailException>(() => Bookmark.Parse(text));
        Assert.Equal(ErrorKind.Usage, e.Kind);
    }
}
