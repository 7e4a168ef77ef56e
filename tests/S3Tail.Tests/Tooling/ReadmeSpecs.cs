using System.Diagnostics;
using System.Text.RegularExpressions;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Tooling;

/// <summary>
/// Every command in the ```sh blocks of README and of the guides in docs/ runs, as written, so the docs cannot drift from the
/// tool: against the S3 test server holding the samples as s3://my-logs/s3/ (AWS_ENDPOINT_URL_S3
/// points there, and the MinIO example's address is swapped for the server's), with the cron
/// example's paths moved into a temporary folder. Lines that install or build (dotnet …,
/// dotnet-suggest, echo >> ~/.bashrc) are covered by ToolInstallSpecs, BenchmarkSmokeSpecs and
/// the first-screen test below, or change the machine, and are left out by name.
/// </summary>
public sealed partial class ReadmeSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private static readonly string[] NotRunHere = ["dotnet ", "dotnet-suggest ", "echo ", "S3TAIL_SOAK_OBJECTS="];

    private static IEnumerable<string> ShellCommands()
    {
        var pages = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "docs"), "*.md").Order(StringComparer.Ordinal)
            .Prepend(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (var page in pages)
        foreach (Match block in ShellBlock().Matches(File.ReadAllText(page)))
            foreach (var raw in block.Groups[1].Value.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith('#') || NotRunHere.Any(line.StartsWith)) continue;
                yield return line;
            }
    }

    [Fact]
    public void Should_find_the_examples_it_runs()
    {
        var commands = ShellCommands().ToList();
        Assert.True(commands.Count >= 15, string.Join("\n", commands));
        Assert.All(commands, c => Assert.Matches(@"^(\*/\d+ \* \* \* \* )?s3tail ", c));
    }

    [Fact]
    public async Task Should_run_every_shell_example_in_the_readme_with_the_output_it_promises()
    {
        var examples = ShellCommands().Where(c => !c.Contains("goaccess")).ToList();
        Assert.NotEmpty(examples);
        await RunExamples(examples);
    }

    [GoAccessFact]
    public async Task Should_run_the_goaccess_examples_in_the_readme()
    {
        var examples = ShellCommands().Where(c => c.Contains("goaccess")).ToList();
        Assert.Equal(2, examples.Count);
        await RunExamples(examples);
    }

    /// <summary>
    /// Runs each example in a scratch folder of its own (with ./samples pointing at the repo's),
    /// so whatever an example writes — report.html — never lands in the work tree, and checks
    /// what it printed or wrote, not just its exit code.
    /// </summary>
    private async Task RunExamples(List<string> examples)
    {
        await SeedMyLogs();
        var cli = new CliProcess();
        var work = Path.Combine(cli.Home, "work");
        var tmp = Path.Combine(cli.Home, "tmp");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(tmp);
        File.CreateSymbolicLink(Path.Combine(work, "samples"), RepoPaths.Samples);

        // Four at a time (each waits mostly on a process, with checks and files of its own), then
        // those that read what the others left: --cache-lookup prints what the cache holds.
        var readsCache = examples.Where(e => e.Contains("--cache-lookup")).ToList();
        await Parallel.ForEachAsync(examples.Except(readsCache), new ParallelOptions { MaxDegreeOfParallelism = 4 }, (e, _) => new ValueTask(Run(e)));
        foreach (var example in readsCache) await Run(example);
        // Nothing an example wrote is in the work tree.
        Assert.False(File.Exists(Path.Combine(RepoPaths.Root, "report.html")));

        async Task Run(string example)
        {
            string command = CronSchedule().Replace(example, "")
                .Replace("http://127.0.0.1:9000", _server.Endpoint)
                .Replace("/var/log/collab/", tmp + "/")
                .Replace("/var/www/html/", tmp + "/");
            var psi = Shell.StartInfo(cli, "set -o pipefail; " + command, work);
            psi.Environment["AWS_ENDPOINT_URL_S3"] = _server.Endpoint;
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            string why = $"README example: {example}\n{await stderr}";
            Assert.True(p.ExitCode == 0, why);
            Assert.DoesNotContain("error", await stderr);

            var lines = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (example.Contains("| head -n 3")) Assert.True(lines.Length == 3, why);
            if (example.Contains("| wc -l")) Assert.True(int.Parse(lines.Single().Trim()) > 100, why);
            if (example.Contains("| grep ' 404 '")) Assert.True(lines.Length > 0 && lines.All(l => l.Contains(" 404 ")), why);
            foreach (Match target in WrittenFile().Matches(command))
            {
                var file = Path.Combine(work, target.Groups[1].Value);
                Assert.True(File.Exists(file) && new FileInfo(file).Length > 0, $"{why}\n{file} was not written");
            }
        }
    }

    /// <summary>A slow check: <c>dotnet run</c> builds the CLI (minutes of both cores on a busy machine).</summary>
    [SkippableFact]
    [Trait(SlowCheck.Trait, SlowCheck.Value)]
    public async Task Should_run_the_first_screen_command_on_the_samples()
    {
        SlowCheck.SkipUnlessAsked();
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        var first = ShellBlock().Match(readme).Groups[1].Value.Split('\n')[0].Trim();
        Assert.StartsWith("dotnet run --project src/S3Tail.Cli -- ./samples/", first);

        var psi = new ProcessStartInfo("bash", ["-c", "set -o pipefail; " + first]) { WorkingDirectory = RepoPaths.Root,
            RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var stdout = await p.StandardOutput.ReadToEndAsync();
        await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.Equal(0, p.ExitCode);
        Assert.Equal(10, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.All(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => Assert.Contains("collab-production", l));
    }

    private async Task SeedMyLogs()
    {
        try { await _server.CreateBucketAsync("my-logs"); }
        catch (Amazon.S3.AmazonS3Exception) { return; } // seeded by an earlier test in this run
        var samples = Directory.EnumerateFiles(Path.Combine(RepoPaths.Samples, "s3"))
            .Select(f => ($"s3/{Path.GetFileName(f)}", File.ReadAllBytes(f)));
        await _server.PutAllAsync("my-logs", samples, parallel: 16);
    }

    [GeneratedRegex("```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShellBlock();

    [GeneratedRegex(@"^\*/\d+ \* \* \* \* ")]
    private static partial Regex CronSchedule();

    /// <summary>Files an example writes: after >> or >, or goaccess's -o.</summary>
    [GeneratedRegex(@"(?:>>?|-o) *(\S+)")]
    private static partial Regex WrittenFile();
}
