using System.Text;
using System.Text.RegularExpressions;
using S3Tail.Filtering;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Filtering;

/// <summary>
/// The CLI's filter against a reference that knows nothing about batches: each line on its own,
/// decoded, matched with Regex (or Contains) exactly as documented.
/// </summary>
public sealed class GrepFilterSpecs
{
    private static readonly byte[] Samples = Encoding.UTF8.GetBytes(string.Concat(
        Directory.EnumerateFiles(Path.Combine(RepoPaths.Samples, "s3")).Order(StringComparer.Ordinal).Take(60)
            .Select(f => File.ReadAllText(f))));

    /// <summary>Lines of awkward shapes: CRLF, empty, invalid UTF-8, non-ASCII letters, NULs.</summary>
    private static readonly byte[] Awkward = Concat(
        "GET /index.html 200\r\n"u8.ToArray(), "\n"u8.ToArray(), "get /lower 404\n"u8.ToArray(),
        [0x66, 0x6F, 0x6F, 0xFF, 0xFE, 0x20, 0x34, 0x30, 0x34, 0x0A], "ÉCOLE école 200\n"u8.ToArray(),
        "nul\0byte foo\n"u8.ToArray(), "foo\r\n"u8.ToArray(), "trailing foo\n"u8.ToArray(), "a\tb\n"u8.ToArray());

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>What the filter should keep: every line judged alone.</summary>
    private static byte[] Reference(byte[] text, string[] patterns, bool fixedStrings, bool ignoreCase, bool invert)
    {
        var output = new MemoryStream();
        int pos = 0;
        while (pos < text.Length)
        {
            int nl = Array.IndexOf(text, (byte)'\n', pos);
            var line = Encoding.UTF8.GetString(text, pos, nl - pos);
            bool match = patterns.Any(p => fixedStrings
                ? line.Contains(p, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
                : Regex.IsMatch(line, p, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : 0)));
            if (match != invert) output.Write(text, pos, nl - pos + 1);
            pos = nl + 1;
        }
        return output.ToArray();
    }

    private static byte[] Filter(byte[] text, LineFilter filter)
    {
        var starts = new List<int>();
        filter.Select(text, starts);
        var output = new MemoryStream();
        foreach (int s in starts) output.Write(text, s, Array.IndexOf(text, (byte)'\n', s) - s + 1);
        // Select and Keep agree.
        var byLine = new MemoryStream();
        int pos = 0;
        while (pos < text.Length)
        {
            int nl = Array.IndexOf(text, (byte)'\n', pos);
            if (filter.Keep(text.AsSpan(pos, nl - pos))) byLine.Write(text, pos, nl - pos + 1);
            pos = nl + 1;
        }
        Assert.Equal(output.ToArray(), byLine.ToArray());
        return output.ToArray();
    }

    public static TheoryData<string[], bool, bool, bool> Cases => new()
    {
        { [" 404 "], true, false, false },
        { [" 404 "], false, false, false },
        { ["REST.GET.OBJECT"], true, false, false },
        { ["rest.get.object"], true, true, false },
        { ["rest\\.get\\.(object|bucket)"], false, true, false },
        { [" 200 "], true, false, true },
        { [" 200 ", " 304 "], true, false, true },
        { [" 404 ", " 403 ", "HEAD"], true, false, false },
        { ["^[0-9a-f]{10}"], false, false, false },
        { ["-$"], false, false, false },
        { ["\\b(GET|PUT)\\b.*\\s30[0-9]\\s"], false, false, false },
        { ["(?<=\\[)11/Sep"], false, false, false },
        { ["(?i)s3console"], false, false, false },
        { ["\\Acollab"], false, false, false },
        { ["foo$"], false, false, false },
        { ["foo"], true, false, false },
        { ["école"], true, true, false },
        { ["ÉCOLE"], false, true, false },
        { [""], true, false, false },
        { [""], false, false, true },
        { ["\\s\\S*404"], false, false, false },
        { ["[^x]*e\\s"], false, false, false },
        // Each pattern's backreference means its own group, not the first pattern's.
        { ["(ZZZ)", "(l)\\1"], false, false, false },
        { ["(?<c>ZZZ)", "(?<c>l)\\k<c>", "(?<=\\[)11/Sep"], false, true, false },
        // A comment in (?x) mode ends at the pattern's end, not at the end of the alternation.
        { ["(?x) ZZZ # never", "(?x) coll ab # spaces do not count"], false, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Should_keep_exactly_the_lines_a_line_by_line_reference_keeps(string[] patterns, bool fixedStrings, bool ignoreCase, bool invert)
    {
        foreach (bool linear in new[] { false, true })
        {
            var filter = GrepFilter.Create(patterns, fixedStrings, ignoreCase, invert, startLinear: linear);
            foreach (var text in new[] { Samples, Awkward })
                Assert.Equal(Reference(text, patterns, fixedStrings, ignoreCase, invert), Filter(text, filter));
        }
    }

    [Fact]
    public void Should_not_match_a_dollar_before_a_CR_as_grep_does_not()
    {
        var filter = GrepFilter.Create(["foo$"]);
        Assert.False(filter.Keep("foo\r"u8));
        Assert.True(filter.Keep("foo"u8));
        Assert.True(GrepFilter.Create(["foo\r$"]).Keep("foo\r"u8));
    }

    [Fact]
    public void Should_take_a_pattern_with_newlines_as_one_pattern_a_line()
    {
        var filter = GrepFilter.Create([" 404 \n 403 "], fixedStrings: true);
        Assert.Equal(Reference(Samples, [" 404 ", " 403 "], true, false, false), Filter(Samples, filter));
    }

    [Fact]
    public void Should_refuse_a_malformed_regex_as_bad_usage_naming_it()
    {
        var e = Assert.Throws<S3TailException>(() => GrepFilter.Create(["ok", "(unclosed"]));
        Assert.Equal(ErrorKind.Usage, e.Kind);
        Assert.StartsWith("--grep '(unclosed' is not a valid .NET regular expression", e.Message);
    }

    [Fact]
    public void Should_lower_only_ASCII_letters()
    {
        var source = Enumerable.Range(0, 256).Select(i => (byte)i).Concat(Enumerable.Range(0, 256).Select(i => (byte)i)).ToArray();
        var lowered = new byte[source.Length];
        LiteralMatcher.AsciiLower(source, lowered);
        for (int i = 0; i < source.Length; i++)
            Assert.Equal(source[i] is >= (byte)'A' and <= (byte)'Z' ? (byte)(source[i] + 32) : source[i], lowered[i]);
    }
}
