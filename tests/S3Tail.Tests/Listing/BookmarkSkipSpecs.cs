using S3Tail.Bookmarks;
using S3Tail.Listing;
using static S3Tail.Tests.Listing.RecordedLists;

namespace S3Tail.Tests.Listing;

public sealed class BookmarkSkipSpecs
{
    [Theory]
    [InlineData("logs/b", "logs/")]
    [InlineData("x", "")]
    [InlineData("k/\U0001F600", "k/")]   // a surrogate pair is one character: never cut in half
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Should_start_the_listing_just_before_the_bookmarks_key(string? key, string? startAfter) =>
        Assert.Equal(startAfter, BookmarkSkip.StartAfter(key));

    [Fact]
    public async Task Should_drop_the_keys_before_the_bookmarks_and_keep_its_own()
    {
        var pages = BookmarkSkip.SkipAsync(Given(Page(true, "logs/a", "logs/a2", "logs/b"), Page(false, "logs/c")), new Bookmark("logs/b", 7));

        var kept = await All(pages);

        Assert.Equal(["logs/b", "logs/c"], KeysOf(kept));
        Assert.Equal([true, false], kept.Select(p => p.More));
        Assert.Equal(["logs/b", "logs/c"], kept.Select(p => p.After));   // where the listing goes on is the LIST's
    }

    [Fact]
    public async Task Should_pass_every_key_without_a_bookmark_and_skip_the_lines_of_the_bookmarks_object_only()
    {
        Assert.Equal(["a", "b"], KeysOf(await All(BookmarkSkip.SkipAsync(Given(Page(false, "a", "b")), null))));
        Assert.Equal(7, BookmarkSkip.LinesToSkip(new Bookmark("logs/b", 7), "logs/b"));
        Assert.Equal(0, BookmarkSkip.LinesToSkip(new Bookmark("logs/b", 7), "logs/c"));
        Assert.Equal(0, BookmarkSkip.LinesToSkip(null, "logs/b"));
    }
}
