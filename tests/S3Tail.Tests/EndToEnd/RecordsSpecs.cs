using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.AwsJson;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// CloudTrail, Config and Firehose objects in a bucket, made the way AWS makes them: one record a
/// line, counted by bookmarks, -m and --grep; resumed exactly inside a file; cached as records;
/// --format lines as before; broken JSON an unreadable object.
/// </summary>
public sealed class RecordsSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private string[] Args(string bucket, params string[] args) => ["--endpoint-url", _server.Endpoint, .. args, $"s3://{bucket}/AWSLogs/"];

    /// <summary>A day of a trail and its neighbours: what each object is stored as, and what it holds as JSON.</summary>
    private async Task<(string Bucket, List<(string Key, byte[] Json)> Objects)> Trail()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = new List<(string Key, byte[] Json)>
        {
            ("AWSLogs/1/CloudTrail/eu-west-1/2024/03/01/1_CloudTrail_eu-west-1_20240301T1000Z_a.json.gz", CloudTrailFile(1, 300)),
            ("AWSLogs/1/CloudTrail/eu-west-1/2024/03/01/1_CloudTrail_eu-west-1_20240301T1005Z_b.json.gz", CloudTrailFile(2, 0)),
            ("AWSLogs/1/CloudTrail/eu-west-1/2024/03/01/1_CloudTrail_eu-west-1_20240301T1010Z_c.json.gz", CloudTrailFile(3, 1200)),
            ("AWSLogs/1/CloudTrail-Digest/eu-west-1/2024/03/01/1_CloudTrail-Digest_eu-west-1_20240301T1100Z.json.gz", DigestFile(1)),
            ("AWSLogs/1/Config/eu-west-1/2024/3/1/ConfigHistory/1_Config_eu-west-1_ConfigHistory_AWS::EC2::SecurityGroup_20240301T100000Z.json.gz", ConfigHistoryFile(4, 40)),
            ("AWSLogs/2/firehose/2024/03/01/10/stream-1-2024-03-01-10-00-00-x", FirehoseDelivery(5, 20, 30)),
            ("AWSLogs/2/firehose/2024/03/01/10/stream-1-2024-03-01-10-05-00-y.gz", FirehoseDelivery(6, 5, 12)),
        };
        await _server.PutAllAsync(bucket, objects.Select(o => (o.Key, o.Key.Contains("-x") ? o.Json : Gzip(o.Json))));
        return (bucket, objects);
    }

    private static List<(string Key, byte[] Decoded)> Expanded(IEnumerable<(string Key, byte[] Json)> objects) =>
        objects.Select(o => (o.Key, ReferenceRecords(o.Json))).ToList();

    [Fact]
    public async Task Should_write_one_record_a_line_for_every_aws_json_log()
    {
        var (bucket, objects) = await Trail();

        var result = await new InProcessCli().RunAsync(Args(bucket), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        var expected = ExpectedOutput(Expanded(objects));
        Assert.Equal(expected, result.Stdout);
        Assert.Equal(300 + 1200 + 1 + 40 + 600 + 60, result.Stdout.Count(b => b == '\n'));
        Assert.Equal($"{objects.Select(o => o.Key).Order(ByteOrder.Instance).Last()}:60", result.Bookmark);
    }

    [Fact]
    public async Task Should_write_each_file_as_one_line_as_before_with_format_lines()
    {
        var (bucket, objects) = await Trail();

        var result = await new InProcessCli().RunAsync(Args(bucket, "--format", "lines"), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
    }

    [Fact]
    public async Task Should_resume_inside_a_cloudtrail_file_at_the_next_record_exactly()
    {
        var (bucket, objects) = await Trail();
        var cli = new InProcessCli();
        var full = ExpectedOutput(Expanded(objects));

        var first = await cli.RunAsync(Args(bucket, "-m", "450"), null);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal($"{objects[2].Key}:149", first.Bookmark);   // the digest ('-' sorts before '/'), 300 records in a, none in b, 149 into c
        var rest = await cli.RunAsync(Args(bucket, "-b", first.Bookmark!), null);

        Assert.True(rest.ExitCode == 0, rest.ToString());
        Assert.Equal(full, first.Stdout.Concat(rest.Stdout).ToArray());
        Assert.Equal(Resume.ExpectedAfter(Expanded(objects), first.Bookmark), rest.Stdout);
    }

    [Fact]
    public async Task Should_grep_records_and_keep_the_denied_calls()
    {
        var (bucket, objects) = await Trail();

        var result = await new InProcessCli().RunAsync(Args(bucket, "-F", "-e", "\"errorCode\":\"AccessDenied\""), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        var denied = Encoding.UTF8.GetString(ExpectedOutput(Expanded(objects))).Split('\n')
            .Where(l => l.Contains("\"errorCode\":\"AccessDenied\"")).Select(l => l + "\n");
        Assert.Equal(string.Concat(denied), result.StdoutText);
        Assert.Equal(43 + 171, denied.Count());   // records 3, 10, 17… of the 300 in a and of the 1200 in c
    }

    [Fact]
    public async Task Should_keep_decoded_records_in_the_cache_and_lines_apart_from_them()
    {
        var (bucket, objects) = await Trail();
        var cli = new InProcessCli();

        var cold = await cli.RunAsync(Args(bucket), null);
        var afterCold = await _server.CountsAsync(bucket);
        var warm = await cli.RunAsync(Args(bucket, "-e", "PutObject"), null);
        var afterWarm = await _server.CountsAsync(bucket);
        var lines = await cli.RunAsync(Args(bucket, "--format", "lines"), null);

        Assert.True(warm.ExitCode == 0, warm.ToString());
        Assert.Equal(afterCold.GetObject, afterWarm.GetObject);   // the second search downloads nothing
        Assert.Equal(string.Concat(cold.StdoutText.Split('\n').Where(l => l.Contains("PutObject")).Select(l => l + "\n")), warm.StdoutText);
        Assert.Equal(ExpectedOutput(objects), lines.Stdout);      // not the cached records
    }

    [Fact]
    public async Task Should_merge_the_delivery_members_into_each_log_event_with_records_with_parent()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "AWSLogs/f.gz", Gzip(FirehoseDelivery(7, 2, 2)));

        var result = await new InProcessCli().RunAsync(Args(bucket, "--records-with-parent"), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        string Event(int d, int e) =>
            "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/f7\",\"logStream\":\"2024/03/01/[$LATEST]" + d + "\"," +
            "\"id\":\"" + (36000000000000000L + d * 1000 + e) + "\",\"timestamp\":" + (1709287200000L + e) + ",\"message\":\"START RequestId: " + d + "-" + e + " \\\"x\\\"\\n\"}\n";
        Assert.Equal(Event(0, 0) + Event(0, 1) + Event(1, 0) + Event(1, 1), result.StdoutText);
    }

    [Theory]
    [InlineData("{\"Records\":[{\"a\":1},{\"a\":]}", "not valid JSON (not valid")]
    [InlineData("{\"Records\":[{\"a\":1},{\"a\":2}", "not valid JSON (truncated")]
    public async Task Should_write_nothing_of_a_broken_document_and_stop_before_it_or_skip_it(string json, string reason)
    {
        var bucket = await _server.CreateBucketAsync();
        var before = CloudTrailFile(8, 5);
        var after = CloudTrailFile(9, 3);
        await _server.PutAllAsync(bucket, [("AWSLogs/a", Gzip(before)), ("AWSLogs/b-bad", Gzip(Text(json))), ("AWSLogs/c", after)]);

        var stopped = await new InProcessCli().RunAsync(Args(bucket), null);
        var skipped = await new InProcessCli().RunAsync(Args(bucket, "--skip-errors"), null);

        Assert.True(stopped.ExitCode == 1, stopped.ToString());
        Assert.Equal(ReferenceRecords(before), stopped.Stdout);
        Assert.Equal("AWSLogs/a:5", stopped.Bookmark);
        Assert.Single(stopped.StderrLines, l => l.Contains("AWSLogs/b-bad") && l.Contains(reason));
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Equal(ReferenceRecords(before).Concat(ReferenceRecords(after)).ToArray(), skipped.Stdout);
        Assert.Contains(skipped.StderrLines, l => l.Contains("skipped") && l.Contains("AWSLogs/b-bad"));
    }

    [Fact]
    public async Task Should_keep_text_logs_whose_lines_begin_with_a_brace_as_lines()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = new List<(string Key, byte[] Decoded)>
        {
            ("AWSLogs/app.log", Text("{ts} INFO started\n{ts} INFO ready\n")),
            ("AWSLogs/dict.log", Text("{'a': 1}\n{'a': 2}\n")),
            ("AWSLogs/padded.log", Text("  {2024-03-01} boot\n")),
        };
        await _server.PutAllAsync(bucket, objects.Select(o => (o.Key, Gzip(o.Decoded))));

        var result = await new InProcessCli().RunAsync(Args(bucket), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
    }

    [Fact]
    public async Task Should_name_a_broken_document_in_one_line_without_its_control_bytes()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, [("AWSLogs/bad.json", Text("{\"a\":t\u001b[31mRED\u0007\nmore}\n"))]);

        var result = await new InProcessCli().RunAsync(Args(bucket), null);

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = Assert.Single(result.StderrLines, l => l.Contains("error"));
        Assert.Contains("AWSLogs/bad.json", error);
        Assert.Contains("not valid JSON", error);
        Assert.False(result.Stderr.Any(c => char.IsControl(c) && c != '\n'), result.Stderr);
        Assert.Single(result.StderrLines);   // the error alone: nothing was written, so there is no bookmark to print
    }

    [Fact]
    public async Task Should_refuse_a_record_larger_than_64_MiB_as_an_unreadable_object()
    {
        var bucket = await _server.CreateBucketAsync();
        var huge = Gzip(Text("{\"Records\":[{\"a\":1},{\"m\":\"" + new string('x', 65 * 1024 * 1024) + "\"}]}"));
        await _server.PutAllAsync(bucket, [("AWSLogs/a", Text("{\"Records\":[{\"a\":0}]}")), ("AWSLogs/b-huge", huge)]);

        var result = await new InProcessCli().RunAsync(Args(bucket), null);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Equal("{\"a\":0}\n", result.StdoutText);
        Assert.Single(result.StderrLines, l => l.Contains("AWSLogs/b-huge") && l.Contains("larger than 64 MiB"));
    }

    [Theory]
    [InlineData("--format", "xml", "--format takes auto, lines, records or parquet")]
    [InlineData("--format", "lines", "--records-with-parent and --format lines")]
    public async Task Should_refuse_a_format_it_does_not_know_and_parents_of_lines(string option, string value, string mention)
    {
        var result = await new InProcessCli().RunAsync(["--endpoint-url", _server.Endpoint, option, value, "--records-with-parent", "s3://bucket-x/"], null);
        UsageError.AssertIn(result, mention);
    }
}
