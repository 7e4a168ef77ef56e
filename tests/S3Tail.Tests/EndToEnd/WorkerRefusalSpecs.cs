using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Workers that refuse a run, never join or cannot be reached: one clear line, and the run fetches nothing or finishes alone.</summary>
public sealed class WorkerRefusalSpecs(S3ServerFixture fixture) : WorkerFleet(fixture), IClassFixture<S3ServerFixture>
{
    [Fact]
    public async Task Should_warn_about_a_worker_holding_the_secret_that_never_joins_because_it_knows_itself_by_another_name()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        int port = FreePort();
        // The worker is "localhost"; the run dials it as 127.0.0.1: TLS answers, Akka.Remote drops what is not addressed to it.
        _workers.Add(new RunningCli(new CliProcess(), ["worker", "--listen", $"localhost:{port}", "--secret-file", _secretFile, "--allow-endpoint", _server.Endpoint]));
        WaitUntilListening($"127.0.0.1:{port}");
        var (bucket, objects) = await Bucket(200);   // at 1.5 s a GET, 24 at a time: longer than the 10 s the run waits for a join
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 1500 });

        using var run = new RunningCli(new CliProcess(), RunArgs(bucket, [$"127.0.0.1:{port}"]));
        await run.WaitForStderrAsync("has not joined", TimeSpan.FromSeconds(60));
        await _server.SetRulesAsync(bucket);
        var result = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var warning = Assert.Single(result.StderrLines, l => l.Contains("has not joined"));
        Assert.Contains($"the worker at 127.0.0.1:{port} holds the secret but has not joined", warning);
        Assert.Contains("give --workers the HOST:PORT it was given in --listen", warning);
    }

    [Fact]
    public async Task Should_refuse_with_one_line_a_run_reading_what_a_worker_does_not_allow_and_fetch_nothing()
    {
        var (bucket, objects) = await Bucket(60);
        string otherPrefix = StartWorker("--allow", $"s3://{bucket}/archive/");
        string allowed = StartWorker("--allow", $"s3://{bucket}/logs/");
        // Started without --allow-endpoint: AWS S3 only, so not the test server the run names.
        string awsOnlyAddress = $"127.0.0.1:{FreePort()}";
        var awsOnly = new RunningCli(new CliProcess(), ["worker", "--listen", awsOnlyAddress, "--secret-file", _secretFile + "-worker"]);
        _workers.Add(awsOnly);
        WaitUntilListening(awsOnlyAddress);
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);

        var byPrefix = await new CliProcess().RunAsync(RunArgs(bucket, [otherPrefix]), null, TimeSpan.FromSeconds(60));
        var byEndpoint = await new CliProcess().RunAsync(RunArgs(bucket, [awsOnlyAddress]), null, TimeSpan.FromSeconds(60));
        int getsWhenRefused = (await _server.CountsAsync(bucket)).GetObject;
        var inBounds = await RunOnceJoined(bucket, RunArgs(bucket, [allowed]), 1);

        foreach (var (refused, reason) in new[]
                 {
                     (byPrefix, $"The worker at {otherPrefix} refused this run: it may read only s3://{bucket}/archive/ (--allow), not s3://{bucket}/logs/"),
                     (byEndpoint, $"The worker at {awsOnlyAddress} refused this run: it reads from AWS S3 only, not from the endpoint {_server.Endpoint}"),
                 })
        {
            Assert.True(refused.ExitCode == 1, refused.ToString());
            Assert.Empty(refused.Stdout);
            var error = Assert.Single(refused.StderrLines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
            Assert.Contains(reason, error);
        }
        Assert.Equal(0, getsWhenRefused);
        Assert.True(inBounds.ExitCode == 0, inBounds.ToString());
        Assert.Equal(ExpectedOutput(objects), inBounds.Stdout);
        Assert.Contains(inBounds.StderrLines, l => l.Contains($"worker akka.ssl.tcp://s3tail@{allowed} joined the run"));
    }

    [Fact]
    public async Task Should_fail_with_one_line_when_the_workers_refuse_its_secret_and_fetch_nothing()
    {
        string worker = StartWorker();
        SecretFiles.Write(_secretFile, SecretFiles.Other);   // the run's secret: not the workers'
        var (bucket, _) = await Bucket(50);
        await _server.SetRulesAsync(bucket, new { op = "list", delayMs = 3000 });   // the refusal comes before any key

        var result = await new CliProcess().RunAsync(RunArgs(bucket, [worker]), null, TimeSpan.FromSeconds(60));

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.StderrLines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"The worker at {worker} refused this run", error);
        Assert.Equal(0, (await _server.CountsAsync(bucket)).GetObject);
    }

    [Fact]
    public async Task Should_fetch_nothing_when_a_worker_refusing_its_secret_is_too_slow_to_answer_the_first_look()
    {
        // A loaded machine: the worker finishes its first TLS handshake after the run's first look
        // has given up. That look must not let the GETs start for a run the worker then refuses.
        using var slow = new SlowDoor(StartWorker(), TimeSpan.FromSeconds(4));
        SecretFiles.Write(_secretFile, SecretFiles.Other);   // the run's secret: not the workers'
        var (bucket, _) = await Bucket(50);

        var result = await new CliProcess().RunAsync(RunArgs(bucket, [slow.Address]), null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Stdout);
        var error = Assert.Single(result.StderrLines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"The worker at {slow.Address} refused this run", error);
        Assert.Equal(0, (await _server.CountsAsync(bucket)).GetObject);
    }

    [Fact]
    public async Task Should_fetch_nothing_and_write_nothing_when_its_only_worker_refuses_its_secret_however_fast_the_listing()
    {
        string worker = StartWorker();
        SecretFiles.Write(_secretFile, SecretFiles.Other);   // the run's secret: not the workers'
        var (bucket, _) = await Bucket(200);   // listed at once: nothing holds the keys back

        var result = await new CliProcess().RunAsync(RunArgs(bucket, [worker]), null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Empty(result.Stdout);
        var error = Assert.Single(result.StderrLines, l => l.Contains("error", StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"The worker at {worker} refused this run", error);
        Assert.Equal(0, (await _server.CountsAsync(bucket)).GetObject);
    }

    [Fact]
    public async Task Should_warn_within_seconds_about_a_worker_address_that_refuses_the_connection_and_finish_alone()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string closed = $"127.0.0.1:{FreePort()}";   // nothing listens there: a typo in a port
        var (bucket, objects) = await Bucket(60);
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 300 });

        using var run = new RunningCli(new CliProcess(), RunArgs(bucket, [closed]));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await run.WaitForStderrAsync($"the worker at {closed}", TimeSpan.FromSeconds(30));
        var warnedAfter = clock.Elapsed;
        var result = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var warning = Assert.Single(result.StderrLines, l => l.Contains($"the worker at {closed}"));
        Assert.Contains("warning", warning);
        Assert.Contains("refused the connection", warning);
        // The process and its node start, then at most 3 s of looking: 15 s leaves room for a loaded machine.
        Assert.True(warnedAfter < TimeSpan.FromSeconds(15), $"warned after {warnedAfter}");
        // The summary says who fetched what: this machine all of it, the worker nothing.
        var summary = Assert.Single(result.StderrLines, l => l.Contains("objects fetched"));
        Assert.Contains($"objects fetched: this machine {objects.Count}, {closed} 0", summary);
    }

    [Fact]
    public async Task Should_warn_within_seconds_about_a_worker_address_that_never_answers_and_finish_alone()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        // A listener that never accepts: the kernel completes the TCP handshake, nobody ever speaks (a firewall, a hung host).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        string address = $"127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";
        var (bucket, objects) = await Bucket(60);

        using var run = new RunningCli(new CliProcess(), RunArgs(bucket, [address]));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await run.WaitForStderrAsync($"the worker at {address}", TimeSpan.FromSeconds(30));
        var warnedAfter = clock.Elapsed;
        var result = await run.WaitAsync(TimeSpan.FromSeconds(90));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var warning = Assert.Single(result.StderrLines, l => l.Contains($"the worker at {address}"));
        Assert.Contains("did not answer", warning);
        // The process and its node start, then at most 3 s of looking: 15 s leaves room for a loaded machine.
        Assert.True(warnedAfter < TimeSpan.FromSeconds(15), $"warned after {warnedAfter}");
        Assert.Contains(result.StderrLines, l => l.Contains($"objects fetched: this machine {objects.Count}, {address} 0"));
    }

    [Fact]
    public async Task Should_warn_about_a_worker_host_that_cannot_be_found_and_finish_alone()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        const string typo = "no-such-worker-host.invalid:4053";   // .invalid never resolves (RFC 6761)
        var (bucket, objects) = await Bucket(60);

        var result = await new CliProcess().RunAsync(RunArgs(bucket, [typo]), null, TimeSpan.FromSeconds(60));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(ExpectedOutput(objects), result.Stdout);
        var warning = Assert.Single(result.StderrLines, l => l.Contains($"the worker at {typo}"));
        Assert.Contains("warning", warning);
        Assert.Contains(result.StderrLines, l => l.Contains($"objects fetched: this machine {objects.Count}, {typo} 0"));
    }
}
