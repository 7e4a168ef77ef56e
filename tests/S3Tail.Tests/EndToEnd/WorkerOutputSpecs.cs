using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Runs spread over one, two and three workers write byte for byte what one machine writes: plain, under -m, with patterns that match empty lines or backtrack without end.</summary>
public sealed class WorkerOutputSpecs(S3ServerFixture fixture) : WorkerFleet(fixture), IClassFixture<S3ServerFixture>
{
    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Should_write_exactly_what_one_machine_writes(int workers)
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        var addresses = Enumerable.Range(0, workers).Select(_ => StartWorker()).ToList();
        var (bucket, objects) = await Bucket(300);

        var result = await RunOnceJoined(bucket, RunArgs(bucket, addresses), workers);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.Equal(workers, result.StderrLines.Count(l => l.Contains("joined the run")));
        // Every worker fetched objects: each kept some in its own cache.
        Assert.All(addresses, a => Assert.NotEmpty(CacheEntries(a)));
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(objects.Count, counts.GetObject);   // each object fetched once, somewhere
        // The info summary says how many each fetched: every worker some, all of them together every object.
        var summary = Assert.Single(result.StderrLines, l => l.Contains("objects fetched: "));
        var fetched = summary[(summary.IndexOf("objects fetched: ", StringComparison.Ordinal) + "objects fetched: ".Length)..]
            .Split(';')[0].Split(", ").Select(part => (Who: part[..part.LastIndexOf(' ')], Count: int.Parse(part[(part.LastIndexOf(' ') + 1)..]))).ToList();
        Assert.Equal(["this machine", .. addresses], fetched.Select(f => f.Who));
        Assert.All(fetched.Skip(1), f => Assert.True(f.Count > 0, summary));
        Assert.Equal(objects.Count, fetched.Sum(f => f.Count));
    }

    [Fact]
    public async Task Should_end_after_max_count_kept_lines_with_that_line_as_the_bookmark_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var (bucket, _) = await Bucket(120);
        string[] grep = ["-F", "-e", "REST.PUT.OBJECT", "-m", "40"];

        var alone = await new InProcessCli().RunAsync(
            ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. grep, $"s3://{bucket}/logs/"], null, TimeSpan.FromSeconds(90));
        var spread = await RunOnceJoined(bucket, [.. RunArgs(bucket, [worker]).SkipLast(1), .. grep, $"s3://{bucket}/logs/"], 1);

        Assert.True(spread.ExitCode == 0, spread.ToString());
        Assert.Equal(40, spread.Stdout.Count(b => b == (byte)'\n'));
        Assert.Equal(alone.Stdout, spread.Stdout);
        Assert.Equal(alone.StderrLines.Last(), spread.StderrLines.Last());
    }

    [Fact]
    public async Task Should_map_the_lines_a_pattern_matching_empty_lines_keeps_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, Enumerable.Range(0, 60).Select(i => ($"logs/{i:D4}", Text($"o{i} first\n \no{i} last\n"))));

        var spread = await RunOnceJoined(bucket, [.. RunArgs(bucket, [worker]).SkipLast(1), "-e", "^ *$", $"s3://{bucket}/logs/"], 1);

        Assert.True(spread.ExitCode == 0, spread.ToString());
        Assert.Equal(string.Concat(Enumerable.Repeat(" \n", 60)), spread.StdoutText);
        // Every object's last line was examined: the bookmark is the last object's line 3, not the blank line 2.
        Assert.Equal("logs/0059:3", spread.Bookmark);
        Assert.Contains("60 objects, 180 lines examined, 60 kept", spread.Stderr);
        Assert.NotEmpty(CacheEntries(worker));   // the worker filtered some of them
    }

    [Fact]
    public async Task Should_end_a_catastrophic_pattern_in_time_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var bucket = await _server.CreateBucketAsync();
        string hostile = new string('a', 40) + "b";
        await _server.PutAllAsync(bucket, Enumerable.Range(0, 60).Select(i => ($"logs/{i:D4}", Text($"{hostile}\naaa{i}\n{hostile}\n"))));

        var spread = await RunOnceJoined(bucket, [.. RunArgs(bucket, [worker]).SkipLast(1), "-e", "(a+)+[0-9]+$", $"s3://{bucket}/logs/"], 1);

        Assert.True(spread.ExitCode == 0, spread.ToString());
        Assert.Equal(string.Concat(Enumerable.Range(0, 60).Select(i => $"aaa{i}\n")), spread.StdoutText);
        Assert.Equal("logs/0059:3", spread.Bookmark);
        Assert.NotEmpty(CacheEntries(worker));   // the worker filtered some of them
    }
}
