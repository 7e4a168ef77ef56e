using S3Tail.Decoding;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Decoding;

public sealed class GzipDetectionSpecs
{
    private static byte[] Decode(byte[] stored, bool async)
    {
        var output = new MemoryStream();
        if (async)
        {
            using var d = GzipDetection.DecodeAsync(new MemoryStream(stored), CancellationToken.None).GetAwaiter().GetResult();
            d.CopyToAsync(output).GetAwaiter().GetResult();
        }
        else
        {
            using var d = GzipDetection.Decode(new MemoryStream(stored));
            d.CopyTo(output);
        }
        return output.ToArray();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_pass_plain_bytes_through_and_gunzip_by_magic(bool async)
    {
        var log = AccessLog(5, 20_000); // several MB: many inflate rounds
        Assert.Equal(log, Decode(log, async));
        Assert.Equal(log, Decode(Gzip(log), async));
        Assert.Equal(Text("x"), Decode(Text("x"), async));
        Assert.Empty(Decode([], async));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_read_every_member_of_a_multi_member_stream(bool async)
    {
        Assert.Equal(Text("one\ntwo\nthree\n"), Decode(MultiMemberGzip(Text("one\n"), Text("two\n"), Text("three\n")), async));
        Assert.Equal(Text("a\n"), Decode(MultiMemberGzip(Text("a\n"), []), async));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_refuse_a_stream_cut_anywhere(bool async)
    {
        var whole = MultiMemberGzip(AccessLog(1, 300), AccessLog(2, 300));
        foreach (int cut in new[] { 3, 10, 100, whole.Length / 3, whole.Length / 2, whole.Length - 9, whole.Length - 4, whole.Length - 1 })
        {
            var e = Assert.Throws<InvalidDataException>(() => Decode(whole[..cut], async));
            Assert.Contains("gzip", e.Message);
        }
    }

    [Fact]
    public void Should_refuse_a_flipped_byte()
    {
        var whole = Gzip(AccessLog(1, 300));
        for (int at = 12; at < whole.Length; at += whole.Length / 7)
        {
            var bad = (byte[])whole.Clone();
            bad[at] ^= 0x10;
            Assert.Throws<InvalidDataException>(() => Decode(bad, false));
        }
    }

    [Fact]
    public void Should_refuse_bytes_after_the_last_member()
    {
        var e = Assert.Throws<InvalidDataException>(() => Decode([.. Gzip(Text("a\n")), .. Text("junk")], false));
        Assert.Contains("after the end", e.Message);
    }

    public static TheoryData<string, byte[]> Tails => new()
    {
        { "nothing", [] },
        { "zero padding", new byte[512] },
        { "zeros then a byte", [.. new byte[10], (byte)'x'] },
        { "garbage", Text("junk") },
        { "a second member then zeros", [.. Gzip(Text("b\n")), .. new byte[7]] },
    };

    /// <summary>What follows the last member is accepted exactly when zcat accepts it.</summary>
    [Theory]
    [MemberData(nameof(Tails))]
    public async Task Should_accept_after_the_last_member_what_zcat_accepts(string tail, byte[] bytes)
    {
        byte[] stored = [.. Gzip(Text("a\n")), .. bytes];
        var path = Path.Combine(Path.GetTempPath(), $"s3tail-tail-{Guid.NewGuid():N}.gz");
        File.WriteAllBytes(path, stored);
        try
        {
            using var zcat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("zcat", [path])
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var zcatOut = await zcat.StandardOutput.ReadToEndAsync();
            await zcat.StandardError.ReadToEndAsync();
            await zcat.WaitForExitAsync();
            bool zcatAccepts = zcat.ExitCode == 0;

            bool weAccept;
            try { weAccept = System.Text.Encoding.UTF8.GetString(Decode(stored, false)) == zcatOut; }
            catch (InvalidDataException) { weAccept = false; }
            Assert.True(zcatAccepts == weAccept, $"{tail}: zcat {(zcatAccepts ? "accepts" : "rejects")} it, s3tail {(weAccept ? "accepts" : "rejects")} it");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
