using System.Diagnostics;
using System.IO.Compression;
using S3Tail.Decoding;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Decoding;

/// <summary>
/// The gunzip on the runtime's inflater, against gzip(1) as the reference: every header field
/// gzip's format allows, members of every size (empty ones included), input in pieces of any
/// size, and every way a stream can be cut or damaged.
/// </summary>
public sealed class GzipMemberStreamSpecs
{
    private static byte[] Deflate(byte[] content)
    {
        // .NET writes nothing for no input; zlib and gzip(1) write an empty final block.
        if (content.Length == 0) return [0x03, 0x00];
        var output = new MemoryStream();
        using (var d = new DeflateStream(output, CompressionLevel.Fastest, leaveOpen: true)) d.Write(content);
        return output.ToArray();
    }

    private static byte[] Le32(uint v) => [(byte)v, (byte)(v >> 8), (byte)(v >> 16), (byte)(v >> 24)];

    /// <summary>A member built by hand: header with the optional fields asked for, raw deflate data, CRC-32, length.</summary>
    private static byte[] Member(byte[] content, string? name = null, string? comment = null, byte[]? extra = null, bool headerCrc = false)
    {
        var header = new List<byte> { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };
        byte flags = 0;
        if (extra is not null) { flags |= 0x04; header.AddRange([(byte)extra.Length, (byte)(extra.Length >> 8)]); header.AddRange(extra); }
        if (name is not null) { flags |= 0x08; header.AddRange(System.Text.Encoding.Latin1.GetBytes(name)); header.Add(0); }
        if (comment is not null) { flags |= 0x10; header.AddRange(System.Text.Encoding.Latin1.GetBytes(comment)); header.Add(0); }
        if (headerCrc) flags |= 0x02;
        header[3] = flags;
        if (headerCrc)
        {
            uint crc = System.IO.Hashing.Crc32.HashToUInt32(header.ToArray());
            header.AddRange([(byte)crc, (byte)(crc >> 8)]);
        }
        return [.. header, .. Deflate(content), .. Le32(System.IO.Hashing.Crc32.HashToUInt32(content)), .. Le32((uint)content.Length)];
    }

    /// <summary>What gzip(1) itself writes for <paramref name="content"/>.</summary>
    private static byte[] GzipTool(byte[] content)
    {
        using var p = Process.Start(new ProcessStartInfo("gzip", ["-c", "-n"]) { RedirectStandardInput = true, RedirectStandardOutput = true })!;
        p.StandardInput.BaseStream.Write(content);
        p.StandardInput.Close();
        var output = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(output);
        p.WaitForExit();
        return output.ToArray();
    }

    private static async Task<(bool Ok, byte[] Output)> Gunzip(byte[] stored)
    {
        var path = Path.Combine(Path.GetTempPath(), $"s3tail-gz-{Guid.NewGuid():N}.gz");
        File.WriteAllBytes(path, stored);
        try
        {
            using var p = Process.Start(new ProcessStartInfo("gzip", ["-dc", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = new MemoryStream();
            var copy = p.StandardOutput.BaseStream.CopyToAsync(output);
            await p.StandardError.ReadToEndAsync();
            await copy;
            await p.WaitForExitAsync();
            return (p.ExitCode == 0, output.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// What gzip says of each of <paramref name="streams"/>, from one shell looping over them: a
    /// process started from the test host per stream cost most of the cut spec's time.
    /// </summary>
    private static async Task<(bool Ok, byte[] Output)[]> GunzipAll(IReadOnlyList<byte[]> streams)
    {
        var dir = Directory.CreateTempSubdirectory("s3tail-gz-").FullName;
        try
        {
            for (int i = 0; i < streams.Count; i++) File.WriteAllBytes(Path.Combine(dir, $"{i}.gz"), streams[i]);
            string loop = $"for i in $(seq 0 {streams.Count - 1}); do gzip -dc \"$i.gz\" > \"$i.out\" 2>/dev/null; echo $? > \"$i.rc\"; done";
            using var p = Process.Start(new ProcessStartInfo("bash", ["-c", loop]) { WorkingDirectory = dir, RedirectStandardError = true })!;
            string errors = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"the gzip loop failed: {errors}");
            return Enumerable.Range(0, streams.Count).Select(i =>
                (File.ReadAllText(Path.Combine(dir, $"{i}.rc")).Trim() == "0", File.ReadAllBytes(Path.Combine(dir, $"{i}.out")))).ToArray();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task<(bool Ok, byte[] Output)> Ours(byte[] stored, int seed, int maxRead, bool async)
    {
        var output = new MemoryStream();
        try
        {
            using var s = new GzipMemberStream(new ShortReadStream(stored, seed, maxRead));
            var buffer = new byte[new Random(seed).Next(1, 70_000)];
            while (true)
            {
                int n = async ? await s.ReadAsync(buffer) : s.Read(buffer);
                if (n == 0) break;
                output.Write(buffer, 0, n);
            }
            return (true, output.ToArray());
        }
        catch (InvalidDataException)
        {
            return (false, output.ToArray());
        }
    }

    public static TheoryData<string, byte[]> Streams => new()
    {
        { "a name", Member(AccessLog(1, 50), name: "access.log") },
        { "a comment and a name", Member(Text("a\nb\n"), name: "x", comment: "made by hand") },
        { "an extra field", Member(Text("a\n"), extra: [1, 2, 3, 4, 5, 6]) },
        { "a header CRC", Member(Text("a\n"), name: "n", headerCrc: true) },
        { "a bad header CRC", [.. Member(Text("a\n"), name: "n", headerCrc: true)[..13], 0x00, 0x00, .. Member(Text("a\n"), name: "n", headerCrc: true)[15..]] },
        { "an empty member", Member([]) },
        { "empty members around one", [.. Member([]), .. Member(Text("x\n")), .. Member([])] },
        { "an empty member, then one", [.. Member([]), .. Member(Text("x\n"))] },
        { "an empty member, then zero padding", [.. Member([]), .. new byte[9]] },
        { "gzip's own empty member, then one", [.. GzipTool([]), .. GzipTool(Text("x\n"))] },
        { "many members", [.. Enumerable.Range(0, 40).SelectMany(i => Member(AccessLog(i, i * 7)))] },
        { "a member of 5 MB", Gzip(AccessLog(3, 40_000)) },
        { "zero padding", [.. Member(Text("a\n")), .. new byte[1000]] },
        { "a stray byte after", [.. Member(Text("a\n")), 0x1f] },
        { "a bad method", [0x1f, 0x8b, 7, .. Member(Text("a\n"))[3..]] },
        { "reserved flags", [0x1f, 0x8b, 8, 0x80, .. Member(Text("a\n"))[4..]] },
        { "a wrong length", [.. Member(Text("abc\n"))[..^4], .. Le32(5)] },
        { "a wrong CRC", [.. Member(Text("abc\n"))[..^8], .. Le32(1), .. Le32(4)] },
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Should_accept_and_decode_exactly_what_gzip_does(string what, byte[] stored)
    {
        var (gzipOk, expected) = await Gunzip(stored);
        for (int seed = 0; seed < 6; seed++)
        {
            var (ok, output) = await Ours(stored, seed, maxRead: seed % 2 == 0 ? 1 + seed * 3 : 100_000, async: seed % 3 != 0);
            Assert.True(ok == gzipOk, $"{what}: gzip {(gzipOk ? "accepts" : "refuses")} it, s3tail {(ok ? "accepts" : "refuses")} it");
            if (ok) Assert.Equal(expected, output);
        }
    }

    /// <summary>Cut at every byte of a small multi-member stream: refused unless the cut falls where gzip also accepts it (between members).</summary>
    [Fact]
    public async Task Should_refuse_every_cut_gzip_refuses()
    {
        byte[] whole = [.. Member(Text("one\n"), name: "a"), .. Member(AccessLog(2, 3)), .. Member([])];
        var cuts = Enumerable.Range(1, whole.Length - 1).Select(cut => whole[..cut]).ToArray();
        var verdicts = await GunzipAll(cuts);
        for (int cut = 1; cut < whole.Length; cut++)
        {
            var stored = cuts[cut - 1];
            var (gzipOk, expected) = verdicts[cut - 1];
            var (ok, output) = await Ours(stored, cut, maxRead: 1 + cut % 9, async: cut % 2 == 0);
            Assert.True(ok == gzipOk, $"cut at {cut} of {whole.Length}: gzip {(gzipOk ? "accepts" : "refuses")} it, s3tail {(ok ? "accepts" : "refuses")} it");
            if (ok) Assert.Equal(expected, output);
        }
    }
}
