using S3Tail.Tests.Support;
using S3Tail.Cli.Config;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Named bookmarks (-b NAME) kept in the config file's [bookmarks] section.</summary>
public sealed class NamedBookmarkSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private const string OtherContent = """
        # my s3tail settings; keep this comment
        [options]
        log_level = warn

        [bookmarks]
        other = some/key:12

        [mine]
        anything = goes
        """;

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Month()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = new List<(string, byte[])>();
        foreach (int day in new[] { 11, 12, 13 })
            for (int i = 0; i < 6; i++)
                objects.Add(($"s3/access-2016-09-{day}-{i:D2}", AccessLog(day * 10 + i, 20)));
        await _server.PutAllAsync(bucket, objects);
        return (bucket, objects);
    }

    private static string Bookmark(ICli cli, string name) =>
        ConfigFile.Load(Path.Combine(cli.Home, ".s3tailrc")).Get("bookmarks", name)!;

    [Fact]
    public async Task Should_continue_a_day_stopped_midway_from_the_month_with_the_same_name_and_keep_the_file()
    {
        var (bucket, objects) = await Month();
        var cli = new InProcessCli();
        var rc = Path.Combine(cli.Home, ".s3tailrc");
        File.WriteAllText(rc, OtherContent + "\n");
        // Day 11 stops midway: its fourth object is refused.
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "access-2016-09-11-03$", status = 403, code = "AccessDenied" });

        var day = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "daily", $"s3://{bucket}/s3/access-2016-09-11");
        Assert.Equal(1, day.ExitCode);
        Assert.Equal("s3/access-2016-09-11-02:20", Bookmark(cli, "daily"));

        await _server.ResetAsync(bucket);
        var month = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "daily", $"s3://{bucket}/s3/access-2016-09");
        Assert.True(month.ExitCode == 0, month.ToString());
        Assert.Equal(ExpectedOutput(objects), day.Stdout.Concat(month.Stdout).ToArray());
        Assert.Equal("s3/access-2016-09-13-05:20", Bookmark(cli, "daily"));

        // Everything else in the file is as it was.
        var expected = OtherContent.Replace("other = some/key:12", "other = some/key:12\ndaily = s3/access-2016-09-13-05:20") + "\n";
        Assert.Equal(expected, File.ReadAllText(rc));
    }

    [Fact]
    public async Task Should_start_from_the_beginning_for_a_name_not_saved_yet_and_save_it()
    {
        var (bucket, objects) = await Month();
        var cli = new InProcessCli();
        var first = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "new-name", $"s3://{bucket}/s3/");
        Assert.Equal(ExpectedOutput(objects), first.Stdout);
        Assert.Equal("s3/access-2016-09-13-05:20", Bookmark(cli, "new-name"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(cli.Home, ".s3tailrc")));

        var again = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "new-name", $"s3://{bucket}/s3/");
        Assert.Empty(again.Stdout);
        Assert.Equal("s3/access-2016-09-13-05:20", again.Bookmark);
    }

    [Fact]
    public async Task Should_widen_the_prefix_to_take_in_the_saved_key_with_a_warning()
    {
        var (bucket, objects) = await Month();
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[bookmarks]\ndaily = s3/access-2016-09-11-04:20\n");

        var next = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "daily", $"s3://{bucket}/s3/access-2016-09-12");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Contains("common prefix 's3/access-2016-09-1'", next.Stderr);
        Assert.Equal(Resume.ExpectedAfter(objects, "s3/access-2016-09-11-04:20"), next.Stdout);
    }

    [Fact]
    public async Task Should_refuse_a_bookmark_that_shares_nothing_with_the_prefix_naming_both()
    {
        var cli = new InProcessCli();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[bookmarks]\nelb = elb/2016/key:3\n");
        var result = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", "elb", "s3://some-bucket/s3/access");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'elb/2016/key'", result.Stderr);
        Assert.Contains("'s3/access'", result.Stderr);
    }

    [Fact]
    public async Task Should_keep_both_bookmarks_when_two_runs_share_one_config_file()
    {
        var (bucket, _) = await Month();
        // Processes of their own: the config file's lock is between processes, which is what is under test.
        var cli = new CliProcess();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), OtherContent + "\n");
        var runs = Enumerable.Range(0, 6).Select(i => cli.RunAsync("--endpoint-url", _server.Endpoint, "-b", $"run{i}",
            $"s3://{bucket}/s3/access-2016-09-1{1 + i % 3}"));
        var results = await Task.WhenAll(runs);
        Assert.All(results, r => Assert.Equal(0, r.ExitCode));
        for (int i = 0; i < 6; i++) Assert.Equal($"s3/access-2016-09-1{1 + i % 3}-05:20", Bookmark(cli, $"run{i}"));
        Assert.Equal("some/key:12", Bookmark(cli, "other"));
        Assert.Empty(Directory.EnumerateFiles(cli.Home, ".s3tailrc.tmp-*"));
    }

    [Fact]
    public async Task Should_checkpoint_during_a_long_run_so_a_kill_9_loses_little_and_never_the_file()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, 150).Select(i => (Key: $"k/{i:D4}", Decoded: AccessLog(i, 10))).ToList();
        await _server.PutAllAsync(bucket, objects);
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 100 });
        var cli = new CliProcess();
        var rc = Path.Combine(cli.Home, ".s3tailrc");
        File.WriteAllText(rc, OtherContent + "\n");

        using var running = new RunningCli(cli, ["--endpoint-url", _server.Endpoint, "-p", "2", "-b", "cron", $"s3://{bucket}/k/"]);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (ConfigFile.Load(rc).Get("bookmarks", "cron") is null && DateTime.UtcNow < deadline) await Task.Delay(100);
        running.Signal(RunningCli.SIGKILL);
        var killed = await running.WaitAsync();

        var saved = ConfigFile.Load(rc).Get("bookmarks", "cron");
        Assert.NotNull(saved);
        Assert.Equal("some/key:12", ConfigFile.Load(rc).Get("bookmarks", "other"));
        // The checkpoint names a line that had been written before the kill.
        var expectedBefore = System.Text.Encoding.UTF8.GetString(ExpectedOutput(objects));
        var after = Resume.ExpectedAfter(objects, saved);
        Assert.True(killed.Stdout.Length >= expectedBefore.Length - after.Length);

        var resumed = await cli.RunAsync("--endpoint-url", _server.Endpoint, "-p", "16", "-b", "cron", $"s3://{bucket}/k/");
        Assert.Equal(after, resumed.Stdout);
    }
}
