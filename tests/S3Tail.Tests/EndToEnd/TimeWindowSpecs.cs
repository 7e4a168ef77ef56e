using S3Tail.Tests.Support;
using S3Tail.Cli.Config;

namespace S3Tail.Tests.EndToEnd;

/// <summary>--since and --until against the S3 test server: every layout, the edges, the LIST count.</summary>
public sealed class TimeWindowSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    /// <summary>Objects whose one line is their own key, so the output says which were read.</summary>
    private async Task<string> BucketOf(IEnumerable<string> keys, Func<string, string>? text = null)
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.SeedAsync(bucket, keys.Select(k => (k, text?.Invoke(k) ?? k + "\n")));
        return bucket;
    }

    private static string Lines(IEnumerable<string> keys) => string.Concat(keys.Select(k => k + "\n"));

    private Task<CliResult> Run(string bucket, params string[] args) =>
        new InProcessCli().RunAsync([.. args, "--endpoint-url", _server.Endpoint, $"s3://{bucket}/"]);

    // A window [14:00, 16:00) on 2016-09-11, and keys of every layout around its edges.
    private static readonly string[] Inside =
    [
        "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/11/1_elasticloadbalancing_us-east-1_app.web.a1_20160911T1400Z_10.0.0.1_x.log.gz",
        "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/11/1_elasticloadbalancing_us-east-1_net.nlb.b2_20160911T1559Z_10.0.0.2_y.log.gz",
        "app/2016/09/11/server.log",                                    // a day folder overlapping the window
        "cf/E2EXAMPLE.2016-09-11-15.a1b2c3d4.gz",
        "firehose/2016/09/11/14/stream.log",
        "hive/year=2016/month=09/day=11/hour=15/part-0.log",
        "s3/web-2016-09-11-14-00-00-0A1B2C3D4E5F6A7B",                  // exactly at --since: in
        "s3/web-2016-09-11-15-59-59-0A1B2C3D4E5F6A7B",
        "trail/AWSLogs/1/CloudTrail/us-east-1/2016/09/11/1_CloudTrail_us-east-1_20160911T1455Z_Mu0KsOhtH1ar15ZZ.json.gz",
        "vpc/AWSLogs/1/vpcflowlogs/us-east-1/2016/09/11/1_vpcflowlogs_us-east-1_fl-1234abcd_20160911T1420Z_fe123456.log.gz",
    ];

    private static readonly string[] Outside =
    [
        "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/11/1_elasticloadbalancing_us-east-1_app.web.a1_20160911T1359Z_10.0.0.1_w.log.gz",
        "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/11/1_elasticloadbalancing_us-east-1_app.web.a1_20160911T1600Z_10.0.0.1_z.log.gz",
        "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/12/1_elasticloadbalancing_us-east-1_app.web.a1_20160912T0000Z_10.0.0.1_z.log.gz",
        "app/2016/09/10/server.log",
        "app/2016/09/12/server.log",
        "cf/E2EXAMPLE.2016-09-11-13.a1b2c3d4.gz",                       // [13:00, 14:00) ends where the window starts
        "cf/E2EXAMPLE.2016-09-11-16.a1b2c3d4.gz",
        "firehose/2016/09/11/13/stream.log",
        "firehose/2016/09/11/16/stream.log",
        "hive/year=2016/month=09/day=11/hour=13/part-0.log",
        "hive/year=2016/month=09/day=12/hour=00/part-0.log",
        "s3/web-2016-09-11-13-59-59-0A1B2C3D4E5F6A7B",
        "s3/web-2016-09-11-16-00-00-0A1B2C3D4E5F6A7B",                  // exactly at --until: out
        "trail/AWSLogs/1/CloudTrail/us-east-1/2016/09/10/1_CloudTrail_us-east-1_20160910T1455Z_Mu0KsOhtH1ar15ZZ.json.gz",
        "vpc/AWSLogs/1/vpcflowlogs/us-east-1/2016/09/11/1_vpcflowlogs_us-east-1_fl-1234abcd_20160911T1620Z_fe123456.log.gz",
    ];

    [Fact]
    public async Task Should_read_the_objects_of_every_layout_whose_key_time_is_in_the_window_edges_included()
    {
        var bucket = await BucketOf([.. Inside, .. Outside, "notes/README.txt"]);

        var result = await Run(bucket, "--since", "2016-09-11T14:00", "--until", "2016-09-11T16:00", "-l", "info");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Lines(Inside.Order(StringComparer.Ordinal)), result.StdoutText);
        Assert.Contains("warning: left out 1 key(s) whose names carry no time", result.Stderr);
        Assert.Contains("'notes/README.txt'", result.Stderr);
        Assert.Contains($"; {Outside.Length} listed keys outside the window [2016-09-11T14:00:00Z, 2016-09-11T16:00:00Z)", result.Stderr);

        // The same window with offsets, and an open end.
        var offset = await Run(bucket, "--since", "2016-09-11T16:00+02:00", "--until", "2016-09-11T11:00-05:00", "-q");
        Assert.Equal(result.StdoutText, offset.StdoutText);
        var open = await Run(bucket, "--since", "2016-09-11T16:00", "-q");
        // By hand: the keys whose period reaches past 16:00 — the day folder of the 11th, and every key of 16:00 or later.
        string[] after =
        [
            "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/11/1_elasticloadbalancing_us-east-1_app.web.a1_20160911T1600Z_10.0.0.1_z.log.gz",
            "alb/AWSLogs/1/elasticloadbalancing/us-east-1/2016/09/12/1_elasticloadbalancing_us-east-1_app.web.a1_20160912T0000Z_10.0.0.1_z.log.gz",
            "app/2016/09/11/server.log",
            "app/2016/09/12/server.log",
            "cf/E2EXAMPLE.2016-09-11-16.a1b2c3d4.gz",
            "firehose/2016/09/11/16/stream.log",
            "hive/year=2016/month=09/day=12/hour=00/part-0.log",
            "s3/web-2016-09-11-16-00-00-0A1B2C3D4E5F6A7B",
            "vpc/AWSLogs/1/vpcflowlogs/us-east-1/2016/09/11/1_vpcflowlogs_us-east-1_fl-1234abcd_20160911T1620Z_fe123456.log.gz",
        ];
        Assert.Equal(Lines(after), open.StdoutText);
    }

    [Fact]
    public async Task Should_take_an_hour_named_object_that_straddles_an_edge()
    {
        var bucket = await BucketOf(["cf/E2EXAMPLE.2016-09-11-13.a.gz", "cf/E2EXAMPLE.2016-09-11-14.a.gz", "cf/E2EXAMPLE.2016-09-11-15.a.gz"]);

        var result = await Run(bucket, "--since", "2016-09-11T14:30", "--until", "2016-09-11T15:00:01", "-q");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Lines(["cf/E2EXAMPLE.2016-09-11-14.a.gz", "cf/E2EXAMPLE.2016-09-11-15.a.gz"]), result.StdoutText);
    }

    [Fact]
    public async Task Should_count_a_relative_time_back_from_now()
    {
        var now = DateTime.UtcNow;
        string Key(int minutesAgo) => $"logs/web-{AccessLogTime.Of(now.AddMinutes(-minutesAgo))}-0A1B2C3D4E5F6A7B";
        var bucket = await BucketOf([Key(180), Key(50), Key(10)]);

        var lastHour = await Run(bucket, "--since", "1h", "-q");
        var between = await Run(bucket, "--since", "1h30m", "--until", "20m", "-q");

        Assert.True(lastHour.ExitCode == 0, lastHour.ToString());
        Assert.Equal(Lines([Key(50), Key(10)]), lastHour.StdoutText);
        Assert.Equal(Lines([Key(50)]), between.StdoutText);
    }

    [Theory]
    [InlineData("--since", "yesterday", "--until", "2016-09-12", "--since 'yesterday' is not a time")]
    [InlineData("--since", "2016-09-11", "--until", "2016-09-31", "--until '2016-09-31' is not a time")]
    [InlineData("--since", "2016-09-12", "--until", "2016-09-11", "--since '2016-09-12' (2016-09-12T00:00:00Z) is not before --until '2016-09-11'")]
    [InlineData("--since", "1h", "--until", "2h", "is not before --until '2h'")]
    public async Task Should_refuse_a_bad_time_or_an_empty_window_as_bad_usage_naming_the_option(string o1, string v1, string o2, string v2, string message)
    {
        var result = await new InProcessCli().RunAsync(o1, v1, o2, v2, "--endpoint-url", _server.Endpoint, "s3://no-such-bucket/");

        Assert.Equal(2, result.ExitCode);
        Assert.Empty(result.Stdout);
        Assert.Contains(message, result.Stderr);
        Assert.Single(result.StderrLines);
    }

    private static readonly string[] Day =
        Enumerable.Range(0, 24).Select(h => $"s3/web-2016-09-11-{h:D2}-00-00-0A1B2C3D4E5F6A7B").ToArray();

    private static string ThreeLines(string key) => $"{key} 1\n{key} 2\n{key} 3\n";

    [Fact]
    public async Task Should_start_from_the_bookmark_when_it_is_later_than_since_and_from_since_when_it_is_earlier()
    {
        var bucket = await BucketOf(Day, ThreeLines);

        // The bookmark is later: it wins, mid-object.
        var later = await Run(bucket, "--since", "2016-09-11T10:00", "--until", "2016-09-11T14:00", "-b", $"{Day[12]}:1");
        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Equal($"{Day[12]} 2\n{Day[12]} 3\n" + ThreeLines(Day[13]), later.StdoutText);
        Assert.Equal($"{Day[13]}:3", later.Bookmark);

        // The bookmark is earlier: --since wins.
        var earlier = await Run(bucket, "--since", "2016-09-11T22:00", "-b", $"{Day[3]}:2");
        Assert.Equal(ThreeLines(Day[22]) + ThreeLines(Day[23]), earlier.StdoutText);
        Assert.Equal($"{Day[23]}:3", earlier.Bookmark);
    }

    [Fact]
    public async Task Should_save_a_named_bookmark_through_a_window_and_resume_from_it_in_the_next_one()
    {
        var bucket = await BucketOf(Day, ThreeLines);
        var cli = new InProcessCli();
        string[] Args(params string[] more) => [.. more, "-b", "web", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/s3/"];

        var morning = await cli.RunAsync(Args("--since", "2016-09-11T06:00", "--until", "2016-09-11T08:00"));
        var rest = await cli.RunAsync(Args("--until", "2016-09-11T09:00"));

        Assert.True(rest.ExitCode == 0, rest.ToString());
        Assert.Equal(ThreeLines(Day[6]) + ThreeLines(Day[7]), morning.StdoutText);
        Assert.Equal(ThreeLines(Day[8]), rest.StdoutText);
        Assert.Equal($"{Day[8]}:3", ConfigFile.Load(Path.Combine(cli.Home, ".s3tailrc")).Get("bookmarks", "web"));
    }

    [Fact]
    public async Task Should_list_a_two_hour_window_of_thirty_days_from_two_sources_in_at_most_five_requests()
    {
        // 9,000 keys: the whole prefix is 9 pages of 1,000 (WindowScanSpecs counts those; each
        // LIST of this server reads every object's metadata, so listing it all here costs ~10 s).
        var day0 = new DateTime(2016, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        // Each key's time is kept as it is made: an access log's key names the second it was written.
        var made = (from source in new[] { "logs/api-", "logs/web-" }
                    from i in Enumerable.Range(0, 30 * 150)
                    let time = day0.AddSeconds(i * 576)
                    select (Key: $"{source}{AccessLogTime.Of(time)}-{i:X16}", Time: time)).ToList();
        var keys = made.Select(m => m.Key).ToList();
        var bucket = await BucketOf(keys);
        DateTime since = new(2016, 9, 18, 9, 0, 0, DateTimeKind.Utc), until = new(2016, 9, 18, 11, 0, 0, DateTimeKind.Utc);

        var result = await Run(bucket, "--since", "2016-09-18T09:00", "--until", "2016-09-18T11:00", "-q");
        var lists = (await _server.CountsAsync(bucket)).List;

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Lines(made.Where(m => m.Time >= since && m.Time < until).Select(m => m.Key).Order(StringComparer.Ordinal)),
            result.StdoutText);
        Assert.InRange(lists, 1, 5);
    }

    [Fact]
    public async Task Should_look_up_only_the_window_in_the_cache()
    {
        var bucket = await BucketOf(Day);

        var result = await Run(bucket, "--cache-lookup", "--since", "2016-09-11T22:00");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{bucket}/{Day[22]}\n  => NOT IN CACHE\n{bucket}/{Day[23]}\n  => NOT IN CACHE\n", result.StdoutText);
    }

    /// <summary>Access logs, then date folders and S3's partitioned layout under the same prefix (issue 22).</summary>
    private static readonly string[] ThreeLayouts =
    [
        "logs/2016-09-11-14-00-00-A", "logs/2016-09-12-14-00-00-B", "logs/2016/09/11/14/app.log",
        "logs/987654321098/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C",
    ];

    private static readonly string ThreeLayoutsOnThe11th =
        Lines(["logs/2016-09-11-14-00-00-A", "logs/2016/09/11/14/app.log", "logs/987654321098/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C"]);

    [Fact]
    public async Task Should_read_the_other_layouts_under_the_prefix_after_an_access_log_past_until()
    {
        var bucket = await BucketOf(ThreeLayouts);

        var result = await new InProcessCli().RunAsync(
            "--since", "2016-09-11", "--until", "2016-09-12", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ThreeLayoutsOnThe11th, result.StdoutText);
    }

    [Fact]
    public async Task Should_read_the_other_layouts_under_the_prefix_after_an_access_log_past_until_from_a_local_folder()
    {
        var root = Directory.CreateTempSubdirectory("s3tail-layouts-").FullName;
        try
        {
            foreach (var key in ThreeLayouts)
            {
                var path = Path.Combine(root, "tl", key);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                await File.WriteAllTextAsync(path, key + "\n");
            }

            var result = await new CliProcess().RunAsync(["--since", "2016-09-11", "--until", "2016-09-12", "./tl/logs/"], root);

            Assert.True(result.ExitCode == 0, result.ToString());
            // The folder "logs" is the bucket; each object's one line is its path from tl/.
            Assert.Equal(ThreeLayoutsOnThe11th, result.StdoutText);
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
