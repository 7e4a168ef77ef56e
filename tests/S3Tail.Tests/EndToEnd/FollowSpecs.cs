using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>-f against the S3 test server: new objects, late ones, stops while waiting, restarts.</summary>
public sealed class FollowSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;
    private readonly DateTime _now = DateTime.UtcNow;

    /// <summary>An access-log key named <paramref name="minutesAgo"/> minutes before the test started.</summary>
    private string Key(double minutesAgo) =>
        $"logs/web-{AccessLogTime.Of(_now.AddMinutes(-minutesAgo))}-{(int)(minutesAgo * 60):X16}";

    private static string Line(string key) => $"{key} 1\n";

    private Task Put(string bucket, string key) => _server.PutAsync(bucket, key, Text(Line(key)));

    private async Task<string> BucketWith(params string[] keys)
    {
        var bucket = await _server.CreateBucketAsync();
        foreach (var key in keys) await Put(bucket, key);
        return bucket;
    }

    private string[] Args(string bucket, params string[] more) =>
        ["-f", "--poll", "1s", .. more, "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/"];

    /// <summary>How many polls the run has ended (with -l info it says "poll: …" after each).</summary>
    private static int Polls(RunningCli run) => run.StderrText.Split('\n').Count(l => l.Contains("info: poll: "));

    /// <summary>Waits until the run has ended <paramref name="count"/> polls: it has listed again and acted on what it saw.</summary>
    private static async Task WaitForPolls(RunningCli run, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Polls(run) < count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"fewer than {count} polls; s3tail said:\n{run.StderrText}");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Should_write_objects_put_while_following_in_key_order_and_end_on_SIGTERM_with_an_exact_bookmark()
    {
        var bucket = await BucketWith(Key(30), Key(20));
        using var run = new RunningCli(new CliProcess(), Args(bucket));
        await run.WaitForTextAsync(Line(Key(20)));

        await Put(bucket, Key(5));
        await Put(bucket, Key(4));
        // Within two polls of a second (and the noise of a busy machine).
        await run.WaitForTextAsync(Line(Key(4)), TimeSpan.FromSeconds(15));
        run.Signal(RunningCli.SIGTERM);
        var result = await run.WaitAsync();

        Assert.Equal(143, result.ExitCode);
        Assert.Equal(Line(Key(30)) + Line(Key(20)) + Line(Key(5)) + Line(Key(4)), result.StdoutText);
        Assert.Equal($"{Key(4)}:1", result.Bookmark);
    }

    [Fact]
    public async Task Should_write_a_late_object_once_when_it_appears_and_say_so_in_the_log()
    {
        var bucket = await BucketWith(Key(30), Key(10));
        using var run = new RunningCli(new CliProcess(), Args(bucket, "-l", "info"));
        await run.WaitForTextAsync(Line(Key(10)));

        await Put(bucket, Key(20));   // sorts between two objects already written
        await run.WaitForTextAsync(Line(Key(20)), TimeSpan.FromSeconds(15));
        await WaitForPolls(run, Polls(run) + 3);   // three more polls see it again
        run.Signal(RunningCli.SIGINT);
        var result = await run.WaitAsync();

        Assert.Equal(130, result.ExitCode);
        Assert.Equal(Line(Key(30)) + Line(Key(10)) + Line(Key(20)), result.StdoutText);
        Assert.Contains($"info: late object '{Key(20)}'", result.Stderr);
        Assert.Matches(@"info: poll: 0 new, 1 late object\(s\)", result.Stderr);
        // The key-order bookmark: a late object does not move it back.
        Assert.Equal($"{Key(10)}:1", result.Bookmark);
    }

    [Fact]
    public async Task Should_resume_a_named_follow_with_what_arrived_meanwhile_late_ones_included_and_repeat_nothing()
    {
        var bucket = await BucketWith(Key(40), Key(30));
        var cli = new CliProcess();
        string[] args = Args(bucket, "-b", "web", "-l", "info");

        using (var first = new RunningCli(cli, args))
        {
            await first.WaitForTextAsync(Line(Key(30)));
            await WaitForPolls(first, 1);   // a poll, so that the state is saved with something in it
            first.Signal(RunningCli.SIGTERM);
            var stopped = await first.WaitAsync();
            Assert.Equal(143, stopped.ExitCode);
            Assert.Equal(Line(Key(40)) + Line(Key(30)), stopped.StdoutText);
        }

        await Put(bucket, Key(35));   // late: between the two written
        await Put(bucket, Key(50));   // late, and before everything written
        await Put(bucket, Key(2));    // new

        using (var second = new RunningCli(cli, args))
        {
            await second.WaitForTextAsync(Line(Key(35)), TimeSpan.FromSeconds(15));
            await second.WaitForTextAsync(Line(Key(50)), TimeSpan.FromSeconds(15));
            await second.WaitForTextAsync(Line(Key(2)), TimeSpan.FromSeconds(15));
            await WaitForPolls(second, Polls(second) + 2);
            second.Signal(RunningCli.SIGTERM);
            var resumed = await second.WaitAsync();
            Assert.Equal(143, resumed.ExitCode);
            Assert.Equal(
                new[] { Line(Key(2)), Line(Key(35)), Line(Key(50)) }.Order(StringComparer.Ordinal),
                resumed.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l + "\n").Order(StringComparer.Ordinal));
        }

        // The state beside the bookmark is private, and holds only what the look-back window reaches.
        var state = Directory.GetFiles(Path.Combine(cli.Home, ".local", "state", "s3tail", "follow")).Single();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(state));
        Assert.Contains(Key(2), File.ReadAllText(state));

        // Nothing new: a third run writes nothing.
        using var third = new RunningCli(cli, args);
        await WaitForPolls(third, 2);   // it has listed three times
        third.Signal(RunningCli.SIGTERM);
        var idle = await third.WaitAsync();
        Assert.Equal(143, idle.ExitCode);
        Assert.Empty(idle.StdoutText);
        Assert.Equal($"{Key(2)}:1", idle.Bookmark);
    }

    [Fact]
    public async Task Should_end_with_exit_0_when_the_reader_goes_away_while_it_waits()
    {
        var bucket = await BucketWith(Key(30), Key(20));
        var cli = new CliProcess();
        string command = string.Join(' ', new[] { CliProcess.Executable }.Concat(Args(bucket)).Select(Shell.Q))
                         + " | head -n 2; echo \"status ${PIPESTATUS[*]}\"";

        var result = await Shell.RunAsync(cli, command, timeout: TimeSpan.FromSeconds(30));

        Assert.Equal(Line(Key(30)) + Line(Key(20)) + "status 0 0\n", result.StdoutText);
        Assert.Contains($"Bookmark: {Key(20)}:1", result.Stderr);
    }

    [Fact]
    public async Task Should_poll_with_LIST_requests_only_while_nothing_arrives()
    {
        var bucket = await BucketWith(Key(30), Key(20));
        using var run = new RunningCli(new CliProcess(), Args(bucket, "--cache-hours", "0"));
        await run.WaitForTextAsync(Line(Key(20)));
        await Task.Delay(1500);
        var before = await _server.CountsAsync(bucket);
        await Task.Delay(5000);
        var after = await _server.CountsAsync(bucket);
        run.Signal(RunningCli.SIGTERM);
        await run.WaitAsync();

        Assert.Equal(before.GetObject, after.GetObject);
        Assert.Equal(before.Other, after.Other);
        int lists = after.List - before.List;
        // About five polls in five seconds (fewer on a busy machine); each lists the look-back
        // window (one source: at most two LISTs) and after the newest key (one).
        Assert.InRange(lists, 1, 6 * 3);
        Console.WriteLine($"{lists} LISTs in 5 s of polling every second");
    }

    [Fact]
    public async Task Should_start_a_follow_as_far_back_as_since_says()
    {
        var bucket = await BucketWith(Key(50), Key(30), Key(10));
        using var run = new RunningCli(new CliProcess(), Args(bucket, "--since", "20m"));
        await run.WaitForTextAsync(Line(Key(10)));
        await Put(bucket, Key(2));
        await run.WaitForTextAsync(Line(Key(2)), TimeSpan.FromSeconds(15));
        run.Signal(RunningCli.SIGTERM);
        var result = await run.WaitAsync();

        Assert.Equal(Line(Key(10)) + Line(Key(2)), result.StdoutText);
    }

    [Fact]
    public async Task Should_search_what_arrives_while_following()
    {
        var bucket = await BucketWith(Key(30));
        using var run = new RunningCli(new CliProcess(), Args(bucket, "-F", "-e", "404", "-l", "info"));
        await WaitForPolls(run, 1);   // what follows arrives while it follows
        await _server.PutAsync(bucket, Key(3), Text($"{Key(3)} 200\n{Key(3)} 404\n"));
        await _server.PutAsync(bucket, Key(20), Text($"{Key(20)} 404\n"));
        await run.WaitForTextAsync($"{Key(3)} 404\n", TimeSpan.FromSeconds(15));
        await run.WaitForTextAsync($"{Key(20)} 404\n", TimeSpan.FromSeconds(15));
        run.Signal(RunningCli.SIGTERM);
        var result = await run.WaitAsync();

        Assert.Equal(143, result.ExitCode);
        Assert.Equal(new[] { $"{Key(3)} 404", $"{Key(20)} 404" }.Order(StringComparer.Ordinal),
            result.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Equal($"{Key(3)}:2", result.Bookmark);
    }

    [Fact]
    public async Task Should_take_poll_and_look_back_from_the_config_file()
    {
        var bucket = await BucketWith(Key(30));
        var cli = new CliProcess();
        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\npoll = 1s\nlook_back = 2h\n");
        using var run = new RunningCli(cli, ["-f", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/"]);
        await run.WaitForTextAsync(Line(Key(30)));
        await Put(bucket, Key(90));   // late, and older than the default hour of look-back
        await run.WaitForTextAsync(Line(Key(90)), TimeSpan.FromSeconds(15));
        run.Signal(RunningCli.SIGTERM);
        Assert.Equal(143, (await run.WaitAsync()).ExitCode);

        File.WriteAllText(Path.Combine(cli.Home, ".s3tailrc"), "[options]\npoll = fast\n");
        var bad = await cli.RunAsync("-f", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("line 2: poll 'fast' is not a duration", bad.Stderr);
    }

    [Theory]
    [InlineData("--poll", "30s", "--poll only applies with --follow")]
    [InlineData("--look-back", "2h", "--look-back only applies with --follow")]
    [InlineData("-f", "--poll=0s", "--poll '0s' is shorter than 1s")]
    [InlineData("-f", "--look-back=soon", "--look-back 'soon' is not a duration")]
    [InlineData("-f", "--cache-lookup", "--follow and --cache-lookup cannot be combined")]
    public async Task Should_refuse_follow_options_that_make_no_sense_as_bad_usage(string a, string b, string message)
    {
        var result = await new CliProcess().RunAsync(a, b, "--endpoint-url", _server.Endpoint, "s3://no-such-bucket/");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.Empty(result.Stdout);
    }
}
