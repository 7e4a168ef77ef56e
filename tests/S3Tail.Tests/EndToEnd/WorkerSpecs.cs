using System.Net;
using System.Net.Sockets;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Runs spread over worker processes (<c>s3tail worker</c>) on 127.0.0.1, against the S3 test
/// server: the output is byte-identical to a one-machine run whatever happens to the workers.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class WorkerSpecs(S3ServerFixture fixture) : IDisposable
{
    private readonly S3TestServer _server = fixture.Server;
    private readonly List<RunningCli> _workers = [];
    private readonly string _secretFile = Path.Combine(Path.GetTempPath(), $"s3tail-secret-{Guid.NewGuid():N}");

    public void Dispose()
    {
        foreach (var w in _workers) w.Dispose();   // kills what still runs
        File.Delete(_secretFile);
        File.Delete(_secretFile + "-worker");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private readonly Dictionary<string, string> _homes = new();

    /// <summary>The files in the default cache of the worker at <paramref name="address"/>.</summary>
    private string[] CacheEntries(string address)
    {
        string cache = Path.Combine(_homes[address], ".s3tailcache");
        return Directory.Exists(cache) ? Directory.GetFiles(cache, "*", SearchOption.AllDirectories) : [];
    }

    private string StartWorker(params string[] options)
    {
        string file = _secretFile + "-worker";
        SecretFiles.Write(file, SecretFiles.Fleet);
        string address = $"127.0.0.1:{FreePort()}";
        var cli = new CliProcess();
        _homes[address] = cli.Home;
        var worker = new RunningCli(cli, ["worker", "--listen", address, "--secret-file", file, "--allow-endpoint", _server.Endpoint, .. options]);
        _workers.Add(worker);
        WaitUntilListening(address);
        return address;
    }

    /// <summary>A worker takes a moment to start; the runs here are short.</summary>
    private static void WaitUntilListening(string address)
    {
        int port = int.Parse(address[(address.LastIndexOf(':') + 1)..]);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }

    private async Task<(string Bucket, List<(string Key, byte[] Decoded)> Objects)> Bucket(int count)
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, count).Select(i => (Key: $"logs/{i:D4}", Decoded: AccessLog(i, 30))).ToList();
        await _server.PutAllAsync(bucket, objects.Select((o, i) => (o.Key, i % 3 == 0 ? Gzip(o.Decoded) : o.Decoded)));
        return (bucket, objects);
    }

    /// <summary>
    /// Runs s3tail with GETs held slow (1.5 s, 24 at a time) until <paramref name="workers"/> workers have joined (a
    /// worker process takes seconds to start on a busy machine), then at <paramref name="delayMs"/>,
    /// so every worker is in the run however loaded the machine is.
    /// </summary>
    private async Task<CliResult> RunOnceJoined(string bucket, IEnumerable<string> args, int workers, int delayMs = 100, params object[] moreRules)
    {
        using var run = await StartOnceJoined(bucket, args, workers, delayMs, moreRules);
        return await run.WaitAsync(TimeSpan.FromSeconds(90));
    }

    /// <summary>Starts s3tail as <see cref="RunOnceJoined"/> does and returns it running, every worker in.</summary>
    private async Task<RunningCli> StartOnceJoined(string bucket, IEnumerable<string> args, int workers, int delayMs, params object[] moreRules)
    {
        await _server.SetRulesAsync(bucket, [new { op = "getObject", delayMs = 1500 }, .. moreRules]);
        var run = new RunningCli(new CliProcess(), args);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (run.StderrText.Split('\n').Count(l => l.Contains("joined the run")) < workers && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await _server.SetRulesAsync(bucket, [new { op = "getObject", delayMs }, .. moreRules]);
        return run;
    }

    private string[] RunArgs(string bucket, IEnumerable<string> workers) =>
        // A fixed window, so this machine's downloaders (which take what no worker asked for) do
        // not finish a slow bucket before a worker process has started and joined.
        ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "-p", "24", "-l", "info", "--workers", string.Join(',', workers), "--secret-file", _secretFile, $"s3://{bucket}/logs/"];

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

    [Theory]
    [InlineData("-e", "REST.PUT.OBJECT", "-F")]
    [InlineData("-e", "assets/9[0-9]\\.js", "-v")]
    public async Task Should_write_exactly_what_one_machine_writes_under_grep_resuming_mid_object(string e, string pattern, string modifier)
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string a = StartWorker(), b = StartWorker();
        var (bucket, _) = await Bucket(200);
        // Resume inside an object: the workers must skip its first lines, as the run's node would.
        string[] grep = [e, pattern, modifier, "-b", "logs/0003:17"];

        var alone = await new CliProcess().RunAsync(
            ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", .. grep, $"s3://{bucket}/logs/"], null, TimeSpan.FromSeconds(90));
        var spread = await RunOnceJoined(bucket, [.. RunArgs(bucket, [a, b]).SkipLast(1), .. grep, $"s3://{bucket}/logs/"], 2);

        Assert.True(alone.ExitCode == 0, alone.ToString());
        Assert.True(spread.ExitCode == 0, spread.ToString());
        Assert.NotEmpty(alone.Stdout);
        Assert.Equal(alone.Stdout, spread.Stdout);
        Assert.Equal(alone.StderrLines.Last(l => l.StartsWith("Bookmark: ")), spread.StderrLines.Last(l => l.StartsWith("Bookmark: ")));
        Assert.Equal(2, spread.StderrLines.Count(l => l.Contains("joined the run")));
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
    public async Task Should_stop_on_sigint_with_an_exact_bookmark_and_resume_exactly_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string a = StartWorker(), b = StartWorker();
        var (bucket, objects) = await Bucket(300);

        using var run = await StartOnceJoined(bucket, RunArgs(bucket, [a, b]), 2, delayMs: 300);
        await run.WaitForOutputAsync(20_000, TimeSpan.FromSeconds(60));
        run.Signal(RunningCli.SIGINT);
        var stopped = await run.WaitAsync(TimeSpan.FromSeconds(30));
        await _server.SetRulesAsync(bucket);
        var resumed = await new CliProcess().RunAsync([.. RunArgs(bucket, [a, b]).SkipLast(1), "-b", stopped.Bookmark!, $"s3://{bucket}/logs/"],
            null, TimeSpan.FromSeconds(90));

        Assert.True(stopped.ExitCode == 130, stopped.ToString());
        Assert.True(resumed.ExitCode == 0, resumed.ToString());
        Assert.Equal(ExpectedOutput(objects), stopped.Stdout.Concat(resumed.Stdout).ToArray());
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
    public async Task Should_end_after_max_count_kept_lines_with_that_line_as_the_bookmark_over_workers()
    {
        SecretFiles.Write(_secretFile, SecretFiles.Fleet);
        string worker = StartWorker();
        var (bucket, _) = await Bucket(120);
        string[] grep = ["-F", "-e", "REST.PUT.OBJECT", "-m", "40"];

        var alone = await new CliProcess().RunAsync(
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
