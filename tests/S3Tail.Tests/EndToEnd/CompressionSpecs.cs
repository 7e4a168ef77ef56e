using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// zstd, Snappy framing and zip objects in a bucket, made by independent tools and named without
/// a telling suffix, read as the lines they hold; a cut one is an unreadable object exactly like a
/// cut gzip: nothing of it written, one line naming it, exit 1, or skipped with --skip-errors.
/// </summary>
public sealed class CompressionSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(RepoPaths.Formats, name));

    private async Task<CliResult> Run(string bucket, params string[] args) =>
        await new InProcessCli().RunAsync(["--endpoint-url", _server.Endpoint, .. args, $"s3://{bucket}/logs/"], null);

    [Fact]
    public async Task Should_write_the_lines_of_every_compression_detected_object_by_object()
    {
        var bucket = await _server.CreateBucketAsync();
        var text = Fixture("lines.txt");
        var plain = AccessLog(3, 50);
        await _server.PutAllAsync(bucket,
        [
            ("logs/a-zstd", Fixture("lines.txt.zst")),
            ("logs/b-plain.zst", plain),
            ("logs/c-frames", Fixture("lines-frames.zst")),
            ("logs/d-snappy.gz", Fixture("lines.txt.sz")),
            ("logs/e-zip", Fixture("lines.zip")),
            ("logs/f-gzip", Gzip(plain)),
        ]);

        var result = await Run(bucket);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput([("a", text), ("b", plain), ("c", text), ("d", text), ("e", text), ("f", plain)]), result.Stdout);
        Assert.Equal("logs/f-gzip:50", result.Bookmark);
    }

    [Theory]
    [InlineData("lines.txt.zst", "zstd")]
    [InlineData("lines-frames.zst", "zstd")]
    [InlineData("lines.txt.sz", "Snappy")]
    [InlineData("lines.zip", "zip")]
    public async Task Should_write_nothing_of_a_cut_object_and_stop_with_the_bookmark_before_it(string fixture, string format)
    {
        var bucket = await _server.CreateBucketAsync();
        var before = AccessLog(1, 40);
        var whole = Fixture(fixture);
        await _server.PutAllAsync(bucket, [("logs/a", before), ("logs/b-cut", whole[..(whole.Length / 2)]), ("logs/c", AccessLog(2, 5))]);

        var result = await Run(bucket);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(before, result.Stdout);
        Assert.Equal("logs/a:40", result.Bookmark);
        Assert.Single(result.StderrLines, l => l.Contains("logs/b-cut") && l.Contains($"not valid {format}"));
    }

    [Fact]
    public async Task Should_write_nothing_of_a_zip_whose_file_fails_its_crc_and_stop_before_it()
    {
        // A stored (uncompressed) file with one byte of its data flipped: every header is intact,
        // only the CRC-32 that unzip checks tells (unzip -t: "bad CRC").
        var content = AccessLog(3, 30);
        var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        using (var entry = archive.CreateEntry("access.log", System.IO.Compression.CompressionLevel.NoCompression).Open())
            entry.Write(content);
        var bytes = zip.ToArray();
        int at = bytes.AsSpan().IndexOf(content.AsSpan(0, 64));
        Assert.True(at > 0);
        bytes[at + 10] ^= 0x20;
        var bucket = await _server.CreateBucketAsync();
        var before = AccessLog(1, 40);
        await _server.PutAllAsync(bucket, [("logs/a", before), ("logs/b-bad-crc", bytes), ("logs/c", AccessLog(2, 5))]);

        var result = await Run(bucket);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(before, result.Stdout);
        Assert.Equal("logs/a:40", result.Bookmark);
        Assert.Single(result.StderrLines, l => l.Contains("logs/b-bad-crc") && l.Contains("not valid zip") && l.Contains("CRC-32"));
    }

    [Theory]
    [InlineData("lines.txt.zst")]
    [InlineData("lines.txt.sz")]
    [InlineData("lines.zip")]
    public async Task Should_skip_a_cut_object_with_skip_errors_and_end_normally(string fixture)
    {
        var bucket = await _server.CreateBucketAsync();
        var before = AccessLog(1, 40);
        var after = AccessLog(2, 5);
        var whole = Fixture(fixture);
        await _server.PutAllAsync(bucket, [("logs/a", before), ("logs/b-cut", whole[..(whole.Length / 2)]), ("logs/c", after)]);

        var result = await Run(bucket, "--skip-errors");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([.. before, .. after], result.Stdout);
        Assert.Equal("logs/c:5", result.Bookmark);
        Assert.Contains(result.StderrLines, l => l.Contains("skipped") && l.Contains("logs/b-cut"));
    }
}
