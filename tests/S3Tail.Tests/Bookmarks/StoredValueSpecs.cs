using S3Tail.Bookmarks;
using S3Tail.Cli.Bookmarks;
using S3Tail.Cli.Config;

namespace S3Tail.Tests.Bookmarks;

public sealed class StoredValueSpecs
{
    public static TheoryData<string> Keys => new()
    {
        "logs/2016-09-11-02-26-19-718F6332DA1867B6",
        "line\nbreak", "tab\there", " leading space", "trailing space ", "  ", "semi;colon", "#hash", "a=b", "[section]",
        "\"quoted\"", "back\\slash\\n", "cr\rlf", "emoji 😀 and é", "lone \ud800 half", "nul\0byte", "k:with:colons", "\u2028sep",
    };

    [Theory]
    [MemberData(nameof(Keys))]
    public void Should_round_trip_any_key_through_the_config_file(string key)
    {
        var bookmark = new Bookmark(key, 42);
        var doc = IniDocument.Parse("[bookmarks]\n", "rc");
        doc.Set("bookmarks", "b", StoredValue.Encode(bookmark.ToString()));
        // Through the file's bytes and back, as a later run reads it.
        var again = IniDocument.Parse(doc.ToBytes(), "rc");
        Assert.Equal(bookmark, NamedBookmarks.Find(again, "b", "rc"));
        // The whole value stays on its one line.
        Assert.Equal(2, doc.ToString().TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void Should_write_a_plain_key_as_the_original_tool_did()
    {
        Assert.Equal("logs/x-2016:12", StoredValue.Encode("logs/x-2016:12"));
    }
}
