using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.AwsJson;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Workers decode as the run says: CloudTrail and Firehose objects fetched by a worker are records, with their parents when asked.</summary>
public sealed class WorkerRecordsSpecs(S3ServerFixture fixture) : WorkerFleet(fixture), IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Should_write_the_records_one_machine_writes_over_a_worker()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, 90)
            .Select(i => (Key: $"logs/{i:D4}", Json: i % 2 == 0 ? CloudTrailFile(i, 25) : FirehoseDelivery(i, 3, 4))).ToList();
        await _server.PutAllAsync(bucket, objects.Select(o => (o.Key, Gzip(o.Json))));

        var alone = await new InProcessCli().RunAsync(
            ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "--records-with-parent", $"s3://{bucket}/logs/"], null, TimeSpan.FromSeconds(90));
        var spread = await RunOnceJoined(bucket, [.. RunArgs(bucket, [worker]).SkipLast(1), "--records-with-parent", $"s3://{bucket}/logs/"], 1);

        Assert.True(spread.ExitCode == 0, spread.ToString());
        // The CloudTrail files have no parent members: their records are as written.
        Assert.Equal(ExpectedOutput(objects.Where((_, i) => i % 2 == 0).Select(o => (o.Key, ReferenceRecords(o.Json)))),
            ExpectedOutput(Split(spread.Stdout).Where(l => l.StartsWith("{\"eventVersion\"")).Select((l, i) => ($"{i:D6}", Text(l)))));
        Assert.Equal(45 * 25 + 45 * 12, Split(spread.Stdout).Count);
        Assert.All(Split(spread.Stdout).Where(l => !l.StartsWith("{\"eventVersion\"")), l => Assert.StartsWith("{\"messageType\":\"DATA_MESSAGE\"", l));
        Assert.Equal(alone.Stdout, spread.Stdout);
        var summary = Assert.Single(spread.StderrLines, l => l.Contains("objects fetched: "));
        Assert.Contains($"{worker} ", summary);
        Assert.DoesNotContain($"{worker} 0", summary);
    }

    private static List<string> Split(byte[] output) => System.Text.Encoding.UTF8.GetString(output).Split('\n')[..^1].ToList();
}
