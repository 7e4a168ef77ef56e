using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>What a run tells its workers and how they keep to it: the region, requester pays, the cache, --skip-errors, a closed pipe, one run after another.</summary>
public sealed class WorkerRunSettingsSpecs(S3ServerFixture fixture) : WorkerFleet(fixture), IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Should_serve_one_run_after_another_as_from_cron()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker("-l", "debug");
        var (bucket, objects) = await Bucket(120);

        for (int run = 0; run < 2; run++)
        {
            // Between runs the worker makes a fresh node: a few seconds after a run ends it is ready again.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (_workers[0].StderrText.Split('\n').Count(l => l.Contains("worker listening")) < run + 1 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            var result = await RunOnceJoined(bucket, RunArgs(bucket, [worker]), 1);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(ExpectedOutput(objects), result.Stdout);
            Assert.True(result.StderrLines.Any(l => l.Contains($"worker akka.ssl.tcp://s3tail@{worker} joined the run")),
                $"run {run + 1}: {result}\nthe worker said:\n{_workers[0].StderrText}");
        }
    }

    [Fact]
    public async Task Should_tell_the_workers_the_region_the_run_found_in_its_profile()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        var address = StartWorker();   // its own environment says us-east-1
        var (bucket, objects) = await Bucket(120);
        await _server.ResetAsync(bucket);
        var run = new CliProcess();
        run.Environment["AWS_REGION"] = null;
        await File.WriteAllTextAsync(run.Environment["AWS_CONFIG_FILE"]!, "[default]\nregion = eu-central-1\n");
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 1500 });
        using var running = new RunningCli(run, RunArgs(bucket, [address]));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!running.StderrText.Contains("joined the run") && DateTime.UtcNow < deadline) await Task.Delay(50);
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 100 });

        var result = await running.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.NotEmpty(CacheEntries(address));   // the worker fetched some
        Assert.Equal(["eu-central-1"], (await _server.CountsAsync(bucket)).SigningRegions);
    }

    [Fact]
    public async Task Should_have_the_workers_say_they_pay_for_a_requester_pays_bucket_with_request_payer()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        var address = StartWorker();
        var (bucket, objects) = await Bucket(60);

        var result = await RunOnceJoined(bucket, ["--request-payer", .. RunArgs(bucket, [address])], 1, 100, new { op = "any", requesterPays = true });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        Assert.NotEmpty(CacheEntries(address));   // the worker fetched some of them
        var counts = await _server.CountsAsync(bucket);
        Assert.Equal(objects.Count, counts.GetObject);
        Assert.Equal(objects.Count, counts.PayerGets);
    }

    [Fact]
    public async Task Should_keep_a_workers_objects_in_its_own_cache_where_told_and_none_with_cache_hours_0()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string cacheDir = Path.Combine(Path.GetTempPath(), $"s3tail-worker-cache-{Guid.NewGuid():N}");
        try
        {
            string cached = StartWorker("--cache-path", cacheDir);
            string uncached = StartWorker("--cache-hours", "0");
            var (bucket, objects) = await Bucket(120);

            var result = await RunOnceJoined(bucket, RunArgs(bucket, [cached, uncached]), 2);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(ExpectedOutput(objects), result.Stdout);
            Assert.Equal(2, result.StderrLines.Count(l => l.Contains("joined the run")));
            // The worker told where kept what it fetched there; the run's own downloaders cache nothing (--cache-hours 0).
            Assert.NotEmpty(Directory.GetFiles(cacheDir, "*", SearchOption.AllDirectories));
            Assert.Empty(CacheEntries(uncached));
        }
        finally
        {
            if (Directory.Exists(cacheDir)) Directory.Delete(cacheDir, recursive: true);
        }
    }

    [Fact]
    public async Task Should_skip_an_object_a_worker_cannot_read_with_skip_errors_and_fail_on_it_without()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var (bucket, objects) = await Bucket(80);
        await _server.SetRulesAsync(bucket,
            new { op = "getObject", key = "logs/0040$", status = 403, code = "AccessDenied" }, new { op = "getObject", delayMs = 100 });

        var skipping = await new CliProcess().RunAsync([.. RunArgs(bucket, [worker]).SkipLast(1), "--skip-errors", $"s3://{bucket}/logs/"],
            null, TimeSpan.FromSeconds(90));
        var failing = await new CliProcess().RunAsync(RunArgs(bucket, [worker]), null, TimeSpan.FromSeconds(90));

        Assert.True(skipping.ExitCode == 0, skipping.ToString());
        Assert.Equal(ExpectedOutput(objects.Where(o => o.Key != "logs/0040")), skipping.Stdout);
        Assert.Contains(skipping.StderrLines, l => l.Contains("warning") && l.Contains("logs/0040"));
        Assert.True(failing.ExitCode == 1, failing.ToString());
        Assert.Equal(ExpectedOutput(objects.Where(o => string.CompareOrdinal(o.Key, "logs/0040") < 0)), failing.Stdout);
        Assert.Equal("Bookmark: logs/0039:30", failing.StderrLines.Last());
    }

    [Fact]
    public async Task Should_end_with_exit_0_when_the_reader_closes_the_pipe_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var (bucket, objects) = await Bucket(200);
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 100 });
        var cli = new CliProcess();
        var psi = cli.StartInfo(["-c", "set -o pipefail; \"$0\" \"$@\" | head -n 5; echo \"status ${PIPESTATUS[0]}\" >&2",
            CliProcess.Executable, .. RunArgs(bucket, [worker])]);
        psi.FileName = "bash";
        using var bash = System.Diagnostics.Process.Start(psi)!;
        bash.StandardInput.Close();
        var head = bash.StandardOutput.ReadToEndAsync();
        var stderr = bash.StandardError.ReadToEndAsync();
        Assert.True(bash.WaitForExit(60_000), "s3tail did not end when its reader went away");

        Assert.Equal(5, (await head).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("status 0", await stderr);
        Assert.DoesNotContain("error", await stderr);
        Assert.StartsWith(await head, System.Text.Encoding.UTF8.GetString(ExpectedOutput(objects)));
    }
}
