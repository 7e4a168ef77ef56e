using System.Diagnostics;
using System.Text.RegularExpressions;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Tooling;

/// <summary>The status line: on a terminal only (unless told), never on stdout, gone at the end.</summary>
public sealed class ProgressSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private async Task<(string Bucket, byte[] Expected)> SlowBucket()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = Enumerable.Range(0, 30).Select(i => (Key: $"logs/{i:D2}", Content: AccessLog(i, 30))).ToList();
        await _server.PutAllAsync(bucket, objects);
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 60 });
        return (bucket, ExpectedOutput(objects));
    }

    /// <summary>Runs s3tail with stderr on a pseudo-terminal (util-linux `script`); stdout to a file.</summary>
    private async Task<(string Terminal, byte[] Stdout)> RunOnTerminal(CliProcess cli, params string[] args)
    {
        var output = Path.Combine(cli.Home, $"out-{Guid.NewGuid():N}");
        string command = string.Join(' ', new[] { CliProcess.Executable }.Concat(args).Select(a => $"'{a}'")) + $" > '{output}'";
        var psi = cli.StartInfo(["-q", "-e", "-c", command, "/dev/null"]);
        psi.FileName = "script";
        psi.Environment["COLUMNS"] = "120";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var terminal = p.StandardOutput.ReadToEndAsync();
        await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
        return (await terminal, File.ReadAllBytes(output));
    }

    [Fact]
    public async Task Should_show_a_self_updating_line_on_a_terminal_and_erase_it_at_the_end()
    {
        var (bucket, expected) = await SlowBucket();
        var (terminal, stdout) = await RunOnTerminal(new CliProcess(), "--endpoint-url", _server.Endpoint, "-p", "2", $"s3://{bucket}/logs/");

        Assert.Equal(expected, stdout);
        Assert.Contains("\r", terminal);
        Assert.Matches(@"s3tail: \d+/\d+ objects, [\d.]+ [KMG]?B", terminal);
        // Erased before the bookmark: the last thing on screen is the bookmark line.
        int erase = terminal.LastIndexOf("\r\u001b[K", StringComparison.Ordinal);
        Assert.True(erase >= 0);
        Assert.StartsWith("Bookmark: logs/29:30", terminal[(erase + 4)..]);
    }

    [Fact]
    public async Task Should_say_how_many_listed_keys_fell_outside_the_window()
    {
        var (bucket, _) = await SlowBucket();
        await _server.PutAsync(bucket, "logs/web-2016-09-11-14-00-00-A", Text("in\n"));
        await _server.PutAsync(bucket, "logs/web-2016-09-11-15-00-00-A", Text("out\n"));
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 800 });   // long enough to draw the line
        var (terminal, stdout) = await RunOnTerminal(new CliProcess(), "--progress", "--since", "2016-09-11T14:00", "--until", "2016-09-11T15:00",
            "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/");

        Assert.Equal("in\n", System.Text.Encoding.UTF8.GetString(stdout));
        Assert.Matches(@"s3tail: \d+/1 objects \(31 outside the window\)", terminal);
    }

    [Fact]
    public async Task Should_say_how_many_lines_a_search_examined_and_kept()
    {
        var (bucket, expected) = await SlowBucket();
        var (terminal, stdout) = await RunOnTerminal(new CliProcess(), "--endpoint-url", _server.Endpoint, "-p", "2", "-F", "-e", "REST.GET",
            $"s3://{bucket}/logs/");

        var kept = System.Text.Encoding.UTF8.GetString(expected).Split('\n').Where(l => l.Contains("REST.GET")).Select(l => l + "\n");
        Assert.Equal(string.Concat(kept), System.Text.Encoding.UTF8.GetString(stdout));
        Assert.Matches(@"s3tail: \d+/\d+ objects, \d+ of \d+ lines kept, ", terminal);
    }

    private const string Waiting = @"s3tail: 30 objects \(0 late\), [\d.]+ [KMG]?B; waiting for new objects, last poll \d\d:\d\d:\d\d";

    [Fact]
    public async Task Should_say_a_follow_is_waiting_and_when_it_last_polled()
    {
        var (bucket, _) = await SlowBucket();
        var cli = new CliProcess();
        var output = Path.Combine(cli.Home, "out");
        var pidFile = Path.Combine(cli.Home, "pid");
        // stderr on a terminal; the follow is stopped once the terminal shows it waiting (the shell's
        // pid becomes s3tail's with exec, so the test can signal it).
        string command = $"echo $$ > '{pidFile}'; exec '{CliProcess.Executable}' -f --poll 1s --endpoint-url '{_server.Endpoint}' 's3://{bucket}/logs/' > '{output}'";
        var psi = cli.StartInfo(["-q", "-e", "-c", command, "/dev/null"]);
        psi.FileName = "script";
        psi.Environment["COLUMNS"] = "160";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var seen = new System.Text.StringBuilder();
        var reading = Task.Run(async () =>
        {
            var buffer = new char[4096];
            int n;
            while ((n = await p.StandardOutput.ReadAsync(buffer)) > 0)
                lock (seen) seen.Append(buffer, 0, n);
        });
        string Seen() { lock (seen) return seen.ToString(); }
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (!Regex.IsMatch(Seen(), Waiting) && !p.HasExited) await Task.Delay(50, limit.Token);
            Assert.Equal(0, RunningCli.Kill(int.Parse(File.ReadAllText(pidFile).Trim()), RunningCli.SIGTERM));
            await p.WaitForExitAsync(limit.Token);
        }
        finally
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
        }
        await reading;
        var terminal = Seen();

        Assert.Matches(Waiting, terminal);
        Assert.Contains("Bookmark: logs/29:30", terminal);
    }

    [Fact]
    public async Task Should_show_nothing_on_a_terminal_with_no_progress()
    {
        var (bucket, _) = await SlowBucket();
        var (terminal, _) = await RunOnTerminal(new CliProcess(), "--no-progress", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/");
        Assert.DoesNotContain("objects,", terminal);
        Assert.Contains("Bookmark: logs/29:30", terminal);
    }

    [Fact]
    public async Task Should_show_nothing_when_stderr_is_not_a_terminal_unless_asked()
    {
        var (bucket, expected) = await SlowBucket();
        var quiet = await new InProcessCli().RunAsync("--endpoint-url", _server.Endpoint, "-p", "2", $"s3://{bucket}/logs/");
        Assert.Equal(expected, quiet.Stdout);
        Assert.Equal("Bookmark: logs/29:30\n", quiet.Stderr);

        var asked = await new InProcessCli().RunAsync("--progress", "--endpoint-url", _server.Endpoint, "-p", "2", $"s3://{bucket}/logs/");
        Assert.Equal(expected, asked.Stdout);
        Assert.Contains("objects,", asked.Stderr);
        Assert.EndsWith("\r\u001b[KBookmark: logs/29:30\n", asked.Stderr);
    }

    [Fact]
    public async Task Should_print_a_one_line_summary_at_info_level()
    {
        var (bucket, _) = await SlowBucket();
        var result = await new InProcessCli().RunAsync("-l", "info", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/");
        var summary = Assert.Single(result.StderrLines, l => l.StartsWith("s3tail: info: "));
        Assert.Matches(@"30 objects, 900 lines, \d+ bytes written; 30 downloaded, 0 from cache; [\d.]+ s", summary);
    }
}
