using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.AwsJson;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// --since/--until and --follow over prefixes of records and rows: they choose objects by their
/// keys as for lines, and each chosen object is written as its records or rows.
/// </summary>
public sealed class FormatWindowSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private static string FlowLogKey(string time, string id) =>
        $"AWSLogs/1/vpcflowlogs/eu-west-1/2024/03/01/1_vpcflowlogs_eu-west-1_fl-1234abcd_{time}_{id}.log.parquet";

    [Fact]
    public async Task Should_write_the_rows_of_only_the_parquet_objects_in_the_window()
    {
        var bucket = await _server.CreateBucketAsync();
        string before = FlowLogKey("20240301T1355Z", "a"), inside = FlowLogKey("20240301T1420Z", "b"), atUntil = FlowLogKey("20240301T1500Z", "c");
        await _server.PutAllAsync(bucket,
        [
            (before, ParquetFixtures.File("types-zstd.parquet")),
            (inside, ParquetFixtures.File("vpc-flow.parquet")),
            (atUntil, ParquetFixtures.File("types-gzip.parquet")),
        ]);

        var result = await new InProcessCli().RunAsync(
            ["--since", "2024-03-01T14:00", "--until", "2024-03-01T15:00", "--parquet-text", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/AWSLogs/"], null);

        Assert.True(result.ExitCode == 0, result.ToString());
        // vpc-flow.txt is DuckDB's text of vpc-flow.parquet's 3000 rows.
        Assert.Equal(Encoding.UTF8.GetString(ParquetFixtures.File("vpc-flow.txt")), result.StdoutText);
        Assert.Equal($"{inside}:3000", result.Bookmark);
    }

    [Fact]
    public async Task Should_follow_a_cloudtrail_prefix_writing_the_records_of_each_file_as_it_arrives()
    {
        var now = DateTime.UtcNow;
        string Key(int minutesAgo, string id)
        {
            var t = now.AddMinutes(-minutesAgo);
            return $"AWSLogs/1/CloudTrail/eu-west-1/{t:yyyy'/'MM'/'dd}/1_CloudTrail_eu-west-1_{t:yyyyMMdd'T'HHmm}Z_{id}.json.gz";
        }
        var bucket = await _server.CreateBucketAsync();
        byte[] first = CloudTrailFile(11, 40), second = CloudTrailFile(12, 25);
        string firstKey = Key(30, "a"), secondKey = Key(5, "b");
        await _server.PutAsync(bucket, firstKey, Gzip(first));
        string LastRecord(byte[] file) => Encoding.UTF8.GetString(ReferenceRecords(file)).Split('\n')[^2] + "\n";

        using var run = new RunningCli(new CliProcess(), ["-f", "--poll", "1s", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/AWSLogs/"]);
        await run.WaitForTextAsync(LastRecord(first));
        await _server.PutAsync(bucket, secondKey, Gzip(second));
        await run.WaitForTextAsync(LastRecord(second), TimeSpan.FromSeconds(15));
        run.Signal(RunningCli.SIGTERM);
        var result = await run.WaitAsync();

        Assert.Equal(143, result.ExitCode);
        Assert.Equal(ReferenceRecords(first).Concat(ReferenceRecords(second)).ToArray(), result.Stdout);
        Assert.Equal($"{secondKey}:25", result.Bookmark);
    }
}
