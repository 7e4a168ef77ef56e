using System.Text;
using Amazon.S3.Model;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Objects that cannot be read whole, from every source: nothing of a broken gzip is written,
/// --skip-errors always ends normally (even when an object breaks after part of it was written),
/// and memory stays bounded whatever the line lengths.
/// </summary>
public sealed class BrokenObjectSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>, IDisposable
{
    private readonly S3TestServer _server = fixture.Server;
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-broken-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    private static byte[] ManyLines(int count, string tag) =>
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(1, count).Select(i => $"{tag} line {i} {new string('x', 40)}\n")));

    private string LocalFolder(params (string Key, byte[] Stored)[] files)
    {
        var dir = Path.Combine(_root, "logs");
        Directory.CreateDirectory(dir);
        foreach (var (key, stored) in files) File.WriteAllBytes(Path.Combine(dir, key), stored);
        return dir + "/";
    }

    [Fact]
    public async Task Should_write_nothing_of_a_cut_gzip_in_a_local_folder_and_stop_with_the_bookmark_before_it()
    {
        var before = ManyLines(100, "before");
        var gz = Gzip(ManyLines(150_000, "cut"));
        var folder = LocalFolder(("a-before", before), ("b-cut.gz", gz[..(gz.Length / 2)]), ("c-after", ManyLines(10, "after")));

        var result = await new InProcessCli().RunAsync(["-p", "2", folder], null);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(before, result.Stdout);
        Assert.Equal("a-before:100", result.Bookmark);
        Assert.Contains(result.StderrLines, l => l.Contains("b-cut.gz") && l.Contains("not valid gzip"));
    }

    [Theory]
    [InlineData("cut")]
    [InlineData("corrupt")]
    public async Task Should_write_nothing_of_a_broken_gzip_large_enough_to_be_decoded_on_two_threads(string damage)
    {
        // Random lines barely compress: over 4 MiB stored, so decoding and spooling run side by side.
        var random = new Random(11);
        var lines = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 120_000).Select(_ =>
            Convert.ToBase64String(Enumerable.Range(0, 60).Select(_ => (byte)random.Next(256)).ToArray()) + "\n")));
        var gz = Gzip(lines);
        var broken = damage == "cut" ? gz[..(gz.Length * 3 / 4)] : gz.ToArray();
        if (damage == "corrupt") broken[gz.Length / 2] ^= 0x55;
        Assert.True(broken.Length > 4 * 1024 * 1024, $"{broken.Length} bytes stored");
        var before = ManyLines(100, "before");
        var folder = LocalFolder(("a-before", before), ("b-broken.gz", broken), ("c-after", ManyLines(10, "after")));

        var result = await new InProcessCli().RunAsync(["-p", "2", folder], null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal(before, result.Stdout);
        Assert.Equal("a-before:100", result.Bookmark);
        Assert.Contains(result.StderrLines, l => l.Contains("b-broken.gz") && l.Contains("not valid gzip"));
    }

    [Fact]
    public async Task Should_skip_a_cut_gzip_in_a_local_folder_with_skip_errors_and_end_normally()
    {
        var before = ManyLines(100, "before");
        var after = ManyLines(10, "after");
        var gz = Gzip(ManyLines(150_000, "cut"));
        var folder = LocalFolder(("a-before", before), ("b-cut.gz", gz[..(gz.Length / 2)]), ("c-after", after));

        var result = await new InProcessCli().RunAsync(["-p", "2", "--skip-errors", folder], null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(before.Concat(after).ToArray(), result.Stdout);
        Assert.Equal("c-after:10", result.Bookmark);
        Assert.Contains(result.StderrLines, l => l.Contains("skipped") && l.Contains("b-cut.gz"));
    }

    [Fact]
    public async Task Should_write_a_12_MiB_line_inside_a_local_gzip_file()
    {
        // Letters at random compress little, so the gunzip stream returns short reads.
        var random = new Random(12);
        var blob = new string(Enumerable.Range(0, 12 * 1024 * 1024).Select(_ => (char)('a' + random.Next(26))).ToArray());
        var content = Encoding.UTF8.GetBytes("{\"first\":1}\n{\"blob\":\"" + blob + "\"}\n{\"last\":3}\n");
        var folder = LocalFolder(("cloudtrail.json.gz", Gzip(content)));

        var result = await new InProcessCli().RunAsync([folder], null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(content.AsSpan().SequenceEqual(result.Stdout), "the output differs from the object");
        Assert.Equal("cloudtrail.json.gz:3", result.Bookmark);
    }

    /// <summary>
    /// A cached object whose entry fails its checksum after its first lines were written, and
    /// which cannot be fetched again: gone (404) is skipped with a warning naming the last line
    /// written, as is any error under --skip-errors, and the run goes on; without it, another
    /// error ends the run with the bookmark of the last line written. This path used to hang.
    /// </summary>
    [Theory]
    [InlineData(404, "NoSuchKey", false, 0)]
    [InlineData(403, "AccessDenied", true, 0)]
    [InlineData(403, "AccessDenied", false, 1)]
    public async Task Should_end_exactly_when_an_object_breaks_after_part_of_it_was_written(int status, string code, bool skipErrors, int exit)
    {
        var bucket = await _server.CreateBucketAsync();
        var big = AccessLog(7, 9000);  // ~3 MB decoded: several 1 MiB blocks
        var objects = new List<(string Key, byte[] Decoded)> { ("logs/a", AccessLog(1, 10)), ("logs/big", big), ("logs/c", AccessLog(2, 10)) };
        await _server.PutAllAsync(bucket, objects);
        var cli = new InProcessCli();
        string[] args = ["--endpoint-url", _server.Endpoint, .. (skipErrors ? new[] { "--skip-errors" } : []), $"s3://{bucket}/logs/"];
        await cli.RunAsync(args, null);

        var entry = Directory.EnumerateFiles(Path.Combine(cli.Home, ".s3tailcache"), "*", SearchOption.AllDirectories)
            .OrderByDescending(f => new FileInfo(f).Length).First();
        var bytes = File.ReadAllBytes(entry);
        bytes[^300] ^= 0x5A;
        File.WriteAllBytes(entry, bytes);
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "big", status, code });

        var result = await cli.RunAsync(args, null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == exit, result.ToString());
        var output = result.Stdout;
        Assert.True(output.AsSpan().StartsWith(objects[0].Decoded), "logs/a is not first");
        var rest = output[objects[0].Decoded.Length..];
        if (exit == 0)
        {
            Assert.Equal("logs/c:10", result.Bookmark);
            Assert.True(rest.AsSpan().EndsWith(objects[2].Decoded), "logs/c is not last");
            rest = rest[..^objects[2].Decoded.Length];
            Assert.Contains(result.StderrLines, l => l.Contains("skipped 'logs/big' after line"));
        }
        // Whole lines of big's beginning, nothing twice, and the bookmark names the last of them.
        Assert.True(rest.Length > 0 && big.AsSpan().StartsWith(rest) && rest[^1] == '\n', $"{rest.Length} bytes of big; {result}");
        if (exit != 0) Assert.Equal($"logs/big:{rest.Count(b => b == '\n')}", result.Bookmark);
    }
}
