using S3Tail.Cli.Config;


namespace S3Tail.Tests.Config;

public sealed class IniDocumentSpecs
{
    private const string Original = """
        # s3tail settings
        [bookmarks]
        barf = production/s3/collab-production-s3-access-2016-09-11-02-26-19-718F6332DA1867B6:2935

        ; options below
        [options]
        cache_hours = 1
        region: us-west-2

        [other]
        keep = me
        """;

    [Fact]
    public void Should_read_values_by_section_and_case_insensitive_key()
    {
        var doc = IniDocument.Parse(Original, "rc");
        Assert.Equal("production/s3/collab-production-s3-access-2016-09-11-02-26-19-718F6332DA1867B6:2935", doc.Get("bookmarks", "BARF"));
        Assert.Equal("us-west-2", doc.Get("options", "region"));
        Assert.Null(doc.Get("options", "barf"));
    }

    [Fact]
    public void Should_change_one_line_and_keep_every_other_line_as_written()
    {
        var doc = IniDocument.Parse(Original, "rc");
        doc.Set("bookmarks", "barf", "k:1");
        doc.Set("bookmarks", "new", "k2:2");
        var expected = Original.Replace("barf = production/s3/collab-production-s3-access-2016-09-11-02-26-19-718F6332DA1867B6:2935",
            "barf = k:1\nnew = k2:2");
        // The file had no line end after its last line, and still has none.
        Assert.Equal(expected, doc.ToString());
    }

    [Fact]
    public void Should_add_a_missing_section_at_the_end()
    {
        var doc = IniDocument.Parse("[options]\nprefetch = 4\n", "rc");
        doc.Set("bookmarks", "daily", "k:9");
        Assert.Equal("[options]\nprefetch = 4\n\n[bookmarks]\ndaily = k:9\n", doc.ToString());
    }

    [Theory]
    [InlineData("[options\n", 1)]
    [InlineData("[options]\nno separator here\n", 2)]
    [InlineData("key = before any section\n", 1)]
    public void Should_name_the_line_of_a_syntax_error(string text, int line)
    {
        var e = Assert.Throws<S3TailException>(() => IniDocument.Parse(text, "rc"));
        Assert.Contains($"line {line}", e.Message);
        Assert.Equal(ErrorKind.Usage, e.Kind);
    }

    [Fact]
    public void Should_keep_the_bytes_of_every_line_it_did_not_change()
    {
        // A BOM, CRLF line ends, a Latin-1 comment and value (not UTF-8), and no final line end.
        var latin1 = System.Text.Encoding.Latin1;
        var bytes = new byte[] { 0xEF, 0xBB, 0xBF }
            .Concat(latin1.GetBytes("# caf\u00e9 cr\u00e8me\r\n[options]\r\nlog_file = /var/log/s3t\u00e4il.log\r\n[bookmarks]\r\nold = k:1"))
            .ToArray();
        var doc = IniDocument.Parse(bytes, "rc");
        doc.Set("bookmarks", "old", "k:2");
        doc.Set("bookmarks", "new", "n:3");
        var expected = new byte[] { 0xEF, 0xBB, 0xBF }
            .Concat(latin1.GetBytes("# caf\u00e9 cr\u00e8me\r\n[options]\r\nlog_file = /var/log/s3t\u00e4il.log\r\n[bookmarks]\r\nold = k:2"))
            .Concat(System.Text.Encoding.UTF8.GetBytes("\r\nnew = n:3\r\n"))
            .ToArray();
        Assert.Equal(expected, doc.ToBytes());
    }

    [Fact]
    public void Should_give_the_line_number_of_a_value()
    {
        var doc = IniDocument.Parse("[options]\n\nprefetch = x\n", "rc");
        Assert.Equal(("x", 3), doc.Find("options", "prefetch"));
    }
}
