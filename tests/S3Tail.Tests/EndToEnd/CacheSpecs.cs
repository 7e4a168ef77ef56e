using S3Tail.Cache;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>The LZ4 object cache, proven with the test server's request counter.</summary>
public sealed class CacheSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Bucket(int count = 12)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, count).Select(i => (Key: $"logs/{i:D3}", Decoded: AccessLog(i, 30 + i))).ToList();
        await _server.PutAllAsync(bucket, objects.Select(o => (o.Key, o.Key.EndsWith('3') ? Gzip(o.Decoded) : o.Decoded)));
        return (bucket, objects);
    }

    private Task<CliResult> Run(ICli cli, string bucket, params string[] more) =>
        cli.RunAsync(["--endpoint-url", _server.Endpoint, .. more, $"s3://{bucket}/logs/"], null);

    /// <summary>Where design.md §6 puts an entry, computed here without the code under test.</summary>
    private string EntryPath(ICli cli, string bucket, string key) => DesignEntryPath(Path.Combine(cli.Home, ".s3tailcache"), _server.Endpoint, bucket, key);

    private static string DesignEntryPath(string root, string endpoint, string bucket, string key)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{endpoint}|{bucket}|{key}")));
        return Path.Combine(root, sha[..2], sha);
    }

    [Fact]
    public void Should_name_entries_by_the_sha256_the_design_gives()
    {
        // printf '%s' 'http://127.0.0.1:9000|my-logs|s3/x' | sha256sum
        const string sha = "b8e88da1640ce978bac4c88a9fda1cfbcc5071b62076bdc82d4867db02388605";
        Assert.Equal(Path.Combine("/c", "b8", sha), DesignEntryPath("/c", "http://127.0.0.1:9000", "my-logs", "s3/x"));
        Assert.Equal(Path.Combine("/c", "b8", sha), new ObjectCache("/c", TimeSpan.FromHours(1)).EntryPath("http://127.0.0.1:9000|my-logs", "s3/x"));
    }

    [Fact]
    public async Task Should_make_no_get_on_a_second_run_and_give_identical_output()
    {
        var (bucket, objects) = await Bucket();
        var cli = new InProcessCli();

        var cold = await Run(cli, bucket);
        var afterCold = await _server.CountsAsync(bucket);
        var warm = await Run(cli, bucket);
        var afterWarm = await _server.CountsAsync(bucket);

        Assert.Equal(ExpectedOutput(objects), cold.Stdout);
        Assert.Equal(cold.Stdout, warm.Stdout);
        Assert.Equal(objects.Count, afterCold.GetObject);
        Assert.Equal(afterCold.GetObject, afterWarm.GetObject);
        Assert.Equal(cold.Bookmark, warm.Bookmark);
    }

    [Fact]
    public async Task Should_keep_entries_private_and_store_them_where_the_design_says()
    {
        var (bucket, objects) = await Bucket(3);
        var cli = new InProcessCli();
        await Run(cli, bucket);

        var root = Path.Combine(cli.Home, ".s3tailcache");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(root));
        foreach (var (key, decoded) in objects)
        {
            var entry = EntryPath(cli, bucket, key);
            Assert.True(File.Exists(entry), entry);
            Assert.Equal(Path.GetFileName(entry)[..2], Path.GetFileName(Path.GetDirectoryName(entry)));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(entry));
            using var s = EntryFile.OpenDecoded(entry);
            var m = new MemoryStream();
            s.CopyTo(m);
            Assert.Equal(decoded, m.ToArray());
        }
        Assert.Empty(Directory.EnumerateFiles(root, ".tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Should_give_each_bucket_its_own_content_for_the_same_key()
    {
        var cli = new InProcessCli();
        var a = await _server.CreateBucketAsync();
        var b = await _server.CreateBucketAsync();
        await _server.PutAsync(a, "logs/same-key", Text("bucket a\n"));
        await _server.PutAsync(b, "logs/same-key", Text("bucket b\n"));

        Assert.Equal("bucket a\n", (await Run(cli, a)).StdoutText);
        Assert.Equal("bucket b\n", (await Run(cli, b)).StdoutText);
        Assert.Equal("bucket a\n", (await Run(cli, a)).StdoutText);
        Assert.Equal(1, (await _server.CountsAsync(a)).GetObject);
    }

    [Fact]
    public async Task Should_fetch_a_changed_object_again_and_replace_its_entry()
    {
        var (bucket, objects) = await Bucket(3);
        var cli = new InProcessCli();
        await Run(cli, bucket);
        await _server.PutAsync(bucket, "logs/001", Text("changed content\n"));

        var second = await Run(cli, bucket);
        var counts = await _server.CountsAsync(bucket);

        Assert.Equal(ExpectedOutput([objects[0], ("logs/001", Text("changed content\n")), objects[2]]), second.Stdout);
        Assert.Equal(2, counts.Keys["logs/001"]);
        Assert.Equal(1, counts.Keys["logs/000"]);
        Assert.Equal(Text("changed content\n"), ReadEntry(EntryPath(cli, bucket, "logs/001")));
    }

    private static byte[] ReadEntry(string path)
    {
        using var s = EntryFile.OpenDecoded(path);
        var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public static TheoryData<string> Corruptions => ["truncated", "flipped-early", "flipped-late", "wrong-header", "empty-file"];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public async Task Should_heal_a_corrupt_entry_with_a_warning_and_still_write_exactly_the_right_output(string corruption)
    {
        var bucket = await _server.CreateBucketAsync();
        // 3 MB decoded: several 1 MiB LZ4 blocks, so a late flip is found after lines were written.
        var big = AccessLog(99, 9000);
        var objects = new List<(string Key, byte[] Decoded)> { ("logs/a", AccessLog(1, 10)), ("logs/big", big), ("logs/c", AccessLog(2, 10)) };
        await _server.PutAllAsync(bucket, objects);
        var cli = new InProcessCli();
        await Run(cli, bucket);

        var entry = EntryPath(cli, bucket, "logs/big");
        var bytes = File.ReadAllBytes(entry);
        switch (corruption)
        {
            case "truncated": bytes = bytes[..(bytes.Length / 2)]; break;
            case "flipped-early": bytes[300] ^= 0x5A; break;
            case "flipped-late": bytes[^300] ^= 0x5A; break;
            case "wrong-header": bytes[2] ^= 0xFF; break;
            case "empty-file": bytes = []; break;
        }
        File.WriteAllBytes(entry, bytes);

        var healed = await Run(cli, bucket);

        Assert.True(healed.ExitCode == 0, healed.ToString());
        Assert.Equal(ExpectedOutput(objects), healed.Stdout);
        Assert.Equal(2, (await _server.CountsAsync(bucket)).Keys["logs/big"]);
        Assert.Equal(big, ReadEntry(entry));
        Assert.Contains($"The cache entry '{entry}' is corrupt", healed.Stderr);
    }

    [Fact]
    public async Task Should_write_nothing_under_the_cache_folder_with_cache_hours_0_and_leave_no_spool()
    {
        var (bucket, objects) = await Bucket(5);
        var cli = new CliProcess();
        var tmp = Path.Combine(cli.Home, "tmp");
        Directory.CreateDirectory(tmp);
        cli.Environment["TMPDIR"] = tmp;

        var first = await Run(cli, bucket, "--cache-hours", "0");
        var second = await Run(cli, bucket, "--cache-hours", "0");

        Assert.Equal(ExpectedOutput(objects), first.Stdout);
        Assert.Equal(first.Stdout, second.Stdout);
        Assert.False(Directory.Exists(Path.Combine(cli.Home, ".s3tailcache")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(tmp));
        Assert.Equal(10, (await _server.CountsAsync(bucket)).GetObject);
    }

    [Fact]
    public async Task Should_use_the_cache_folder_given_by_option_or_config()
    {
        var (bucket, _) = await Bucket(2);
        var cli = new InProcessCli();
        var byOption = Path.Combine(cli.Home, "by-option");
        var byConfig = Path.Combine(cli.Home, "by-config");
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), $"[options]\ncache_path = {byConfig}\n");

        await Run(cli, bucket, "--cache-path", byOption);
        Assert.Equal(2, Directory.EnumerateFiles(byOption, "*", SearchOption.AllDirectories).Count());
        await Run(cli, bucket);
        Assert.Equal(2, Directory.EnumerateFiles(byConfig, "*", SearchOption.AllDirectories).Count());
    }

    [Fact]
    public async Task Should_print_for_each_key_where_it_is_cached_and_download_nothing()
    {
        var (bucket, _) = await Bucket(3);
        var cli = new InProcessCli();
        await _server.PutAsync(bucket, "other/x", Text("x\n"));
        await cli.RunAsync("--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/001");
        int gets = (await _server.CountsAsync(bucket)).GetObject;

        var lookup = await Run(cli, bucket, "--cache-lookup");

        Assert.Equal(0, lookup.ExitCode);
        Assert.Equal(
            $"{bucket}/logs/000\n  => NOT IN CACHE\n" +
            $"{bucket}/logs/001\n  => {EntryPath(cli, bucket, "logs/001")}\n" +
            $"{bucket}/logs/002\n  => NOT IN CACHE\n",
            lookup.StdoutText);
        Assert.Equal(gets, (await _server.CountsAsync(bucket)).GetObject);
    }

    [Fact]
    public async Task Should_sweep_entries_unused_for_longer_than_cache_hours_at_start_up()
    {
        var (bucket, _) = await Bucket(3);
        var cli = new InProcessCli();
        await Run(cli, bucket);
        var old = EntryPath(cli, bucket, "logs/000");
        var recent = EntryPath(cli, bucket, "logs/001");
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddHours(-5));
        File.SetLastWriteTimeUtc(recent, DateTime.UtcNow.AddHours(-1));

        // A run over another prefix: it uses neither entry, the sweep alone decides.
        await cli.RunAsync("--endpoint-url", _server.Endpoint, "--cache-hours", "3", $"s3://{bucket}/nothing-here");

        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
    }

    [Fact]
    public async Task Should_let_two_processes_share_one_cache_folder()
    {
        var (bucket, objects) = await Bucket(40);
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 20 });
        var cli = new InProcessCli();

        var runs = await Task.WhenAll(Run(cli, bucket, "-p", "8"), Run(cli, bucket, "-p", "3"));

        Assert.All(runs, r => Assert.Equal(ExpectedOutput(objects), r.Stdout));
        foreach (var (key, decoded) in objects) Assert.Equal(decoded, ReadEntry(EntryPath(cli, bucket, key)));
        var third = await Run(cli, bucket);
        Assert.Equal(ExpectedOutput(objects), third.Stdout);
    }

    [Fact]
    public async Task Should_warn_and_run_without_the_cache_when_its_folder_cannot_be_written()
    {
        var (bucket, objects) = await Bucket(2);
        var cli = new InProcessCli();
        var blocked = Path.Combine(cli.Home, "a-file");
        File.WriteAllText(blocked, "not a folder");

        var result = await Run(cli, bucket, "--cache-path", Path.Combine(blocked, "cache"));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.Contains("running without the cache", result.Stderr);
    }
}
