using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Workers that die, leave or join mid-run: their objects are fetched again or given to them, and no line is lost or repeated.</summary>
public sealed class WorkerChurnSpecs(S3ServerFixture fixture) : WorkerFleet(fixture), IClassFixture<S3ServerFixture>
{
    [Theory]
    [InlineData(RunningCli.SIGKILL)]   // dies: noticed unreachable
    [InlineData(RunningCli.SIGTERM)]   // an operator stopping it: it leaves the cluster and exits 0
    public async Task Should_fetch_the_objects_of_a_worker_that_dies_or_leaves_mid_run_again_and_lose_or_repeat_no_line(int signal)
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string a = StartWorker(), b = StartWorker();
        var (bucket, objects) = await Bucket(400);

        // Once both have joined they hold objects: workers that ask are served first.
        using var run = await StartOnceJoined(bucket, RunArgs(bucket, [a, b]), 2, delayMs: 300);
        await Task.Delay(500);
        _workers[0].Signal(signal);
        var worker = await _workers[0].WaitAsync(TimeSpan.FromSeconds(30));
        var result = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.Contains(result.StderrLines, l => l.Contains($"worker akka.ssl.tcp://s3tail@{a} left the run holding"));
        if (signal == RunningCli.SIGTERM) Assert.True(worker.ExitCode == 0, worker.ToString());
    }

    [Fact]
    public async Task Should_give_work_to_a_worker_that_joins_mid_run()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string early = StartWorker();
        string late = $"127.0.0.1:{FreePort()}";
        var (bucket, objects) = await Bucket(300);
        // GETs so slow that the run cannot end before a worker process starts and joins, however
        // busy the machine; once it has joined they are fast again.
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 2000 });

        using var run = new RunningCli(new CliProcess(), RunArgs(bucket, [early, late]));
        await run.WaitForOutputAsync(1, TimeSpan.FromSeconds(60));
        var lateCli = new CliProcess();
        _homes[late] = lateCli.Home;
        _workers.Add(new RunningCli(lateCli, ["worker", "--listen", late, "--secret-file", _secretFile, "--allow-endpoint", _server.Endpoint]));
        await run.WaitForStderrAsync($"worker akka.ssl.tcp://s3tail@{late} joined the run", TimeSpan.FromSeconds(60));
        await Task.Delay(2500);   // a round of slow GETs ends: the keys that follow go to whoever asked first
        await _server.SetRulesAsync(bucket);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.NotEmpty(CacheEntries(late));   // it fetched objects
    }
}
