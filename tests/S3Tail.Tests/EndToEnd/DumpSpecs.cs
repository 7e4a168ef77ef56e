using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>The CLI as a process against the S3 test server: the whole stdout, byte for byte.</summary>
public sealed class DumpSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    /// <summary>Every content case of the pipeline issue, in keys whose order is tricky.</summary>
    private static List<(string Key, byte[] Stored, byte[] Decoded)> ContentCases()
    {
        var bigLine = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(bigLine);
        for (int i = 0; i < bigLine.Length; i++) if (bigLine[i] == '\n') bigLine[i] = (byte)'x';
        var bigLineObject = bigLine.Concat(Text("\nafter the long line\n")).ToArray();
        var log = AccessLog(1, 300);
        var cases = new List<(string, byte[])>
        {
            ("logs/a/b", Text("in a folder\n")),
            ("logs/a-c", Text("dash sorts before slash\n")),
            ("logs/a.txt", Text("dot sorts before slash too\n")),
            ("logs/app.log", Text("app\n")),
            ("logs/app.log.1", Text("app rotated\n")),
            ("logs/empty", []),
            ("logs/blank lines", Text("\n\nthree blank lines above? no: two\n\n")),
            ("logs/crlf", Text("windows\r\nline endings\r\n")),
            ("logs/no-newline-at-end", Text("first\nlast line without newline")),
            ("logs/with:colons:in:key", Text("colons\n")),
            ("logs/ünïcödé-日本-🪵", Text("non-ascii key\n")),
            // These two differ at their sixth character: U+E000 sorts before the emoji (U+1FAB5) by
            // UTF-8 bytes (EE.. < F0..), after it by UTF-16 code units (E000 > D83E).
            ("logs/\uE000-private-use", Text("before the emoji in UTF-8 order\n")),
            ("logs/🪵-emoji", Text("after the private-use character in UTF-8 order\n")),
            ("logs/long-line", bigLineObject),
            ("logs/access", log),
        };
        var result = cases.Select(c => (c.Item1, c.Item2, c.Item2)).ToList();
        result.Add(("logs/elb.log.gz", Gzip(log), log));
        result.Add(("logs/cloudfront-no-extension", Gzip(Text("gzip without .gz\n")), Text("gzip without .gz\n")));
        result.Add(("logs/multi-member", MultiMemberGzip(Text("member one\n"), Text("member two\n")), Text("member one\nmember two\n")));
        result.Add(("logs/plain-named.gz", Text("not gzip at all\n"), Text("not gzip at all\n")));
        return result;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(32)]
    public async Task Should_write_every_object_in_key_order_byte_for_byte(int prefetch)
    {
        var bucket = await _server.CreateBucketAsync();
        var cases = ContentCases();
        await _server.PutAllAsync(bucket, cases.Select(c => (c.Key, c.Stored)));
        await _server.PutAsync(bucket, "other/outside-the-prefix", Text("must not appear\n"));

        var cli = new InProcessCli();
        var result = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-p", prefetch.ToString(), $"s3://{bucket}/logs/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(cases.Select(c => (c.Key, c.Decoded))), result.Stdout);
        var last = cases.OrderBy(c => c.Key, ByteOrder.Instance).Last();
        Assert.Equal("logs/🪵-emoji", last.Key);
        Assert.Equal($"{last.Key}:1", result.Bookmark);
    }

    [Fact]
    public async Task Should_page_past_1000_keys_without_skipping_or_repeating_any()
    {
        var bucket = await _server.CreateBucketAsync();
        // Folder-walk order differs from byte order here, so a wrong listing would show.
        var objects = Enumerable.Range(0, 1203)
            .Select(i => (Key: i % 3 == 0 ? $"k/{i:D5}/x" : i % 3 == 1 ? $"k/{i:D5}-x" : $"k/{i:D5}.x", Content: Text($"object {i}\n")))
            .ToList();
        await _server.PutAllAsync(bucket, objects, parallel: 16);

        var result = await new InProcessCli().RunAsync("--endpoint-url", _server.Endpoint, "-p", "16", $"{bucket}/k/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.Equal(1203, result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count());
        var counts = await _server.CountsAsync(bucket);
        Assert.True(counts.List >= 2, "the listing must have been paged");
    }

    [Fact]
    public async Task Should_write_nothing_and_no_bookmark_for_an_empty_prefix()
    {
        var bucket = await _server.CreateBucketAsync();
        var result = await new InProcessCli().RunAsync("--endpoint-url", _server.Endpoint, $"s3://{bucket}/nothing-here");
        Assert.Equal(0, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Null(result.Bookmark);
    }
}
