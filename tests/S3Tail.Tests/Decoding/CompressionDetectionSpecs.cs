using S3Tail.Decoding;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Decoding;

/// <summary>
/// zstd, Snappy framing and zip, each made by an independent tool (tests/data/formats/make-compressed.sh),
/// decode to the text they were made from, whatever the key; cut or corrupt ones fail, never end quietly.
/// </summary>
public sealed class CompressionDetectionSpecs : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("s3tail-scratch-").FullName;

    public void Dispose() => Directory.Delete(_scratch, true);

    private static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(RepoPaths.Formats, name));

    private Stream Scratch() => S3Tail.Cache.SpoolFolder.CreateScratchIn(_scratch);

    private byte[] Decode(byte[] stored, bool async)
    {
        var output = new MemoryStream();
        using var decoded = CompressionDetection.DecompressAsync(new MemoryStream(stored), Scratch, CancellationToken.None).GetAwaiter().GetResult();
        if (async) decoded.CopyToAsync(output).GetAwaiter().GetResult();
        else decoded.CopyTo(output);
        return output.ToArray();
    }

    [Theory]
    [InlineData("lines.txt.zst", false)]
    [InlineData("lines.txt.zst", true)]
    [InlineData("lines-frames.zst", false)]
    [InlineData("lines-frames.zst", true)]
    [InlineData("lines.txt.sz", false)]
    [InlineData("lines.txt.sz", true)]
    public void Should_decode_what_an_independent_tool_compressed(string fixture, bool async)
    {
        Assert.Equal(Fixture("lines.txt"), Decode(Fixture(fixture), async));
    }

    [Fact]
    public void Should_read_a_zips_files_in_order_each_ending_with_a_line_end_and_folders_passed_over()
    {
        // The archive holds a.log (lines 1-1500), a folder, and logs/b.log (the rest, without its final line end).
        var text = Fixture("lines.txt");
        Assert.Equal(text, Decode(Fixture("lines.zip"), async: false));
        Assert.Empty(Directory.GetFiles(_scratch));
    }

    [Fact]
    public void Should_tell_each_format_by_its_magic_bytes_alone()
    {
        Assert.Equal(Compression.Zstd, CompressionDetection.Detect([0x28, 0xb5, 0x2f, 0xfd, 0]));
        Assert.Equal(Compression.Zstd, CompressionDetection.Detect([0x5e, 0x2a, 0x4d, 0x18, 0]));
        Assert.Equal(Compression.Zip, CompressionDetection.Detect("PK\x03\x04"u8));
        Assert.Equal(Compression.Snappy, CompressionDetection.Detect([0xff, 6, 0, 0, .. "sNaPpY"u8]));
        Assert.Equal(Compression.Gzip, CompressionDetection.Detect([0x1f, 0x8b]));
        Assert.Equal(Compression.None, CompressionDetection.Detect("PK\x05\x06"u8));
        Assert.Equal(Compression.None, CompressionDetection.Detect([0xff, 6, 0, 0, .. "sNaPpy"u8]));
        Assert.Equal(Compression.None, CompressionDetection.Detect("line\n"u8));
        Assert.Equal(Compression.None, CompressionDetection.Detect([]));
    }

    [Theory]
    [InlineData("lines.txt.zst", "zstd", "truncated")]
    [InlineData("lines-frames.zst", "zstd", "truncated")]
    [InlineData("lines.txt.sz", "Snappy", "truncated")]
    [InlineData("lines.zip", "zip", "truncated or corrupt")]
    public void Should_fail_on_a_cut_object_wherever_it_is_cut(string fixture, string format, string reason)
    {
        var whole = Fixture(fixture);
        // Cuts inside the data (not between two frames or chunks, which no reader can tell from an end).
        foreach (int cut in new[] { whole.Length / 3, whole.Length / 2, whole.Length - 3 })
        {
            var e = Assert.Throws<BrokenContentException>(() => Decode(whole[..cut], async: true));
            Assert.Equal(format, e.Format);
            Assert.StartsWith(reason, e.Reason);
        }
    }

    [Theory]
    [InlineData("lines.txt.zst", "zstd")]
    [InlineData("lines-frames.zst", "zstd")]
    [InlineData("lines.txt.sz", "Snappy")]
    public void Should_fail_on_a_cut_at_any_byte_but_the_end_of_a_frame_or_chunk(string fixture, string format)
    {
        var whole = Fixture(fixture);
        var ends = format == "zstd" ? FrameBoundaries.Zstd(whole) : FrameBoundaries.Snappy(whole);
        Assert.Equal(whole.Length, ends[^1]);   // the reference walk accounts for every byte
        Assert.True(ends.Count >= (fixture == "lines-frames.zst" ? 5 : 1));
        // Every cut near a boundary (where headers are), and a spread of cuts everywhere else; a cut
        // inside the magic bytes leaves nothing to tell the format by (it reads as uncompressed).
        int magic = format == "zstd" ? 4 : 10;
        var cuts = ends.Prepend(0).SelectMany(end => Enumerable.Range(end - 12, 24))
            .Concat(Enumerable.Range(1, whole.Length / 97).Select(k => k * 97))
            .Where(cut => cut >= magic && cut < whole.Length && !ends.Contains(cut))
            .Distinct().Order().ToList();
        var quiet = cuts.Where(cut =>
        {
            try
            {
                Decode(whole[..cut], async: cut % 2 == 0);
                return true;
            }
            catch (BrokenContentException e) when (e.Format == format)
            {
                return false;
            }
        }).ToList();
        Assert.True(quiet.Count == 0, $"cuts read as whole objects: {string.Join(", ", quiet.Take(20))} (boundaries {string.Join(", ", ends.Take(10))})");
        foreach (var end in ends.SkipLast(1))   // a cut between two frames or chunks reads as the shorter whole: no format can say
            Assert.NotNull(Decode(whole[..end], async: true));
    }

    [Theory]
    [InlineData("lines.txt.zst", "zstd")]
    [InlineData("lines.txt.sz", "Snappy")]
    public void Should_fail_on_a_flipped_byte(string fixture, string format)
    {
        var bad = Fixture(fixture);
        bad[bad.Length / 2] ^= 0x5a;
        var e = Assert.Throws<BrokenContentException>(() => Decode(bad, async: false));
        Assert.Equal(format, e.Format);
    }

    [Fact]
    public void Should_say_a_zip_entrys_deflate_data_is_corrupt_not_that_its_method_is_unsupported()
    {
        // lines.zip's first entry, a.log, is deflated (make-compressed.sh); 60 bytes inside its data are inverted.
        var bad = Fixture("lines.zip");
        int data = 30 + BitConverter.ToUInt16(bad, 26) + BitConverter.ToUInt16(bad, 28);   // past the local file header
        for (int i = data + 200; i < data + 260; i++) bad[i] ^= 0xff;
        var e = Assert.Throws<BrokenContentException>(() => Decode(bad, async: true));
        Assert.Equal("zip", e.Format);
        Assert.Equal("corrupt: entry 'a.log' holds compressed data that does not inflate", e.Reason);
    }

    [SkippableFact]
    public async Task Should_decode_what_debians_zstd_makes_of_random_lines_now()
    {
        Skip.IfNot(File.Exists("/usr/bin/zstd"), "Debian's zstd is not installed here (the committed fixtures still run)");
        var text = AccessLog(31, 20_000);
        var compressed = await Shell.PipeAsync(text, "f=$(mktemp); cat > \"$f\"; zstd -q -c -3 --no-check \"$f\"; zstd -q -c -1 \"$f\"; rm \"$f\"");
        Assert.True(compressed.ExitCode == 0, compressed.ToString());
        Assert.Equal([.. text, .. text], Decode(compressed.Stdout, async: true));
    }
}
