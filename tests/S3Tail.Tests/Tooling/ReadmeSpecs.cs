using System.Diagnostics;
using System.Text.RegularExpressions;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Tooling;

/// <summary>
/// Every command in README's ```sh blocks runs, as written, so the docs cannot drift from the
/// tool: against the S3 test server holding the samples as s3://my-logs/s3/ (AWS_ENDPOINT_URL_S3
/// points there, and the MinIO example's address is swapped for the server's), with the cron
/// example's paths moved into a temporary folder. Lines that install or build (dotnet …,
/// dotnet-suggest, echo >> ~/.bashrc) are covered by ToolInstallSpecs, BenchmarkSmokeSpecs and
/// the first-screen test below, or change the machine, and are left out by name.
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed partial class ReadmeSpecs(S3ServerFixture fixture)
{
    private readonly S3TestServer _server = fixture.Server;

    private static readonly string[] NotRunHere = ["dotnet ", "dotnet-suggest ", "echo ", "S3TAIL_SOAK_OBJECTS="];

    private static IEnumerable<string> ShellCommands()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md"));
        foreach (Match block in ShellBlock().Matches(readme))
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
        Assert.True(commands.Count >= 6, string.Join("\n", commands));
        Assert.All(commands, c => Assert.Matches(@"^(\*/\d+ \* \* \* \* )?s3tail ", c));
    }

    [Fact]
    public async Task Should_run_every_shell_example_in_the_readme()
    {
        await SeedMyLogs();
        var cli = new CliProcess();
        var tmp = Path.Combine(cli.Home, "tmp");
        Directory.CreateDirectory(tmp);
        var goaccess = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, "goaccess")));

        foreach (var example in ShellCommands())
        {
            if (example.Contains("goaccess") && !goaccess) continue; // GoAccessSpecs says it is skipped
            string command = CronSchedule().Replace(example, "")
                .Replace("http://127.0.0.1:9000", _server.Endpoint)
                .Replace("/var/log/collab/", tmp + "/")
                .Replace("/var/www/html/", tmp + "/");
            var psi = cli.StartInfo(["-c", "set -o pipefail; " + command], RepoPaths.Root);
            psi.FileName = "bash";
            psi.Environment["PATH"] = Path.GetDirectoryName(CliProcess.Executable) + ":" + psi.Environment["PATH"];
            psi.Environment["AWS_ENDPOINT_URL_S3"] = _server.Endpoint;
            using var p = Process.Start(psi)!;
            p.StandardInput.Close();
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            Assert.True(p.ExitCode == 0, $"README example failed: {example}\n{await stderr}");
            Assert.DoesNotContain("error", await stderr);
        }
    }

    [Fact]
    public async Task Should_run_the_first_screen_command_on_the_samples()
    {
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
}
