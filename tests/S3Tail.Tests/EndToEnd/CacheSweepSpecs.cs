using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// --cache-path may point into a folder full of the user's files ($HOME): the start-up sweep
/// deletes only expired entries that s3tail wrote, follows no symlink, and changes no mode it did
/// not set; --cache-lookup touches nothing at all.
/// </summary>
public sealed class CacheSweepSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>, IDisposable
{
    private const string Hex64 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    private readonly S3TestServer _server = fixture.Server;
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-sweep-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    /// <summary>A home folder of old files, some named like cache entries, some behind symlinks.</summary>
    private (string Home, string Outside, List<string> NotOurs, string OldEntry) Home()
    {
        var home = Path.Combine(_root, "home");
        var outside = Path.Combine(_root, "outside");
        Directory.CreateDirectory(Path.Combine(home, ".ssh"));
        Directory.CreateDirectory(Path.Combine(home, "ab"));
        Directory.CreateDirectory(Path.Combine(outside, "cd"));
        var notOurs = new List<string>
        {
            Path.Combine(home, ".ssh", "id_rsa"),
            Path.Combine(home, "notes.txt"),
            Path.Combine(home, "ab", "report.pdf"),                  // in a shard-like folder, not an entry name
            Path.Combine(home, Hex64),                               // an entry name, but not in a shard folder
            Path.Combine(outside, "cd", Hex64),                      // reached only through a symlinked folder
            Path.Combine(outside, "target-file"),                    // reached only through a symlinked entry name
        };
        foreach (var f in notOurs) File.WriteAllText(f, "precious\n");
        Directory.CreateSymbolicLink(Path.Combine(home, "cd"), Path.Combine(outside, "cd"));
        Directory.CreateDirectory(Path.Combine(home, "ef"));
        File.CreateSymbolicLink(Path.Combine(home, "ef", Hex64), Path.Combine(outside, "target-file"));
        var oldEntry = Path.Combine(home, "ab", Hex64);
        File.WriteAllText(oldEntry, "an expired entry\n");

        var old = DateTime.UtcNow - TimeSpan.FromDays(30);
        foreach (var f in notOurs.Append(oldEntry)) File.SetLastWriteTimeUtc(f, old);
        File.SetUnixFileMode(home, (UnixFileMode)0b111_101_101);   // 0755: the user's choice
        return (home, outside, notOurs, oldEntry);
    }

    private async Task<CliResult> Run(string cachePath, params string[] more)
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "logs/a", Text("a\n"));
        return await new InProcessCli().RunAsync(["--endpoint-url", _server.Endpoint, "--cache-path", cachePath, "--cache-hours", "1", .. more,
            $"s3://{bucket}/logs/"], null);
    }

    [Fact]
    public async Task Should_delete_only_its_own_expired_entries_in_a_shared_folder()
    {
        var (home, _, notOurs, oldEntry) = Home();

        var r = await Run(home);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.All(notOurs, f => Assert.True(File.Exists(f), $"{f} was deleted"));
        Assert.NotNull(new FileInfo(Path.Combine(home, "ef", Hex64)).LinkTarget);
        Assert.False(File.Exists(oldEntry), "the expired entry is still there");
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(home));
    }

    [Fact]
    public async Task Should_touch_nothing_with_cache_lookup()
    {
        var (home, _, notOurs, oldEntry) = Home();
        var before = Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories).Order().ToList();

        var r = await Run(home, "--cache-lookup");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("NOT IN CACHE", r.StdoutText);
        Assert.True(File.Exists(oldEntry));
        Assert.Equal(before, Directory.EnumerateFileSystemEntries(home, "*", SearchOption.AllDirectories).Order().ToList());
    }

    [Fact]
    public async Task Should_make_a_new_cache_folder_private()
    {
        var cache = Path.Combine(_root, "new-cache");
        var r = await Run(cache);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cache));
    }
}
