using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>A local folder used as a bucket, addressed every way design.md allows.</summary>
public sealed class LocalFolderSpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-local-").FullName;
    private readonly List<(string Key, byte[] Decoded)> _logs = [];

    public LocalFolderSpecs()
    {
        void Put(string key, byte[] stored, byte[] decoded)
        {
            var path = Path.Combine(_root, "bucket", key);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, stored);
            if (key.StartsWith("logs/")) _logs.Add((key["logs/".Length..], decoded));
        }
        Put("logs/a/b", Text("folder\n"), Text("folder\n"));
        Put("logs/a-c", Text("dash\n"), Text("dash\n"));
        Put("logs/a.txt", Text("dot\n"), Text("dot\n"));
        Put("logs/z.gz", Gzip(Text("gz 1\ngz 2")), Text("gz 1\ngz 2"));
        Put("logs/2016/day-1", AccessLog(3, 50), AccessLog(3, 50));
        Put("other/not-this", Text("no\n"), Text("no\n"));
    }

    public void Dispose() => Directory.Delete(_root, true);

    [Theory]
    [InlineData("./bucket/logs/")]
    [InlineData("BUCKET/logs/")]          // an absolute path
    [InlineData("file://BUCKET/logs/")]
    public async Task Should_write_a_folder_in_key_order_whatever_the_form_of_the_path(string form)
    {
        string uri = form.Replace("BUCKET", Path.Combine(_root, "bucket"));
        var result = await new CliProcess().RunAsync([uri], workingDirectory: _root);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(_logs), result.Stdout);
        // bucket/logs exists, so it is the bucket and keys are relative to it.
        Assert.Equal("z.gz:2", result.Bookmark);
    }

    [Fact]
    public async Task Should_take_the_rest_of_a_path_below_the_deepest_existing_folder_as_a_key_prefix()
    {
        var sub = Path.Combine(_root, "bucket", "other");
        // bucket/logs exists and bucket/logs/a- does not: logs is the bucket, "a-" the prefix.
        var result = await new CliProcess().RunAsync(["../logs/a-"], workingDirectory: sub);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("dash\n", result.StdoutText);
        Assert.Equal("a-c:1", result.Bookmark);
    }

    [Fact]
    public async Task Should_never_create_a_cache_for_a_local_folder()
    {
        var cli = new CliProcess();
        var result = await cli.RunAsync([Path.Combine(_root, "bucket/logs/")], null);
        Assert.Equal(0, result.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(cli.Home, ".s3tailcache")));
    }
}
