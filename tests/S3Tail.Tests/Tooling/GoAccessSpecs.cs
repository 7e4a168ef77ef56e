using System.Diagnostics;
using System.Text.Json;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Tooling;

/// <summary>Runs only where goaccess is installed (.ci/run installs Debian's).</summary>
public sealed class GoAccessFactAttribute : FactAttribute
{
    public GoAccessFactAttribute()
    {
        bool found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':')
            .Any(dir => File.Exists(Path.Combine(dir, "goaccess")));
        if (!found) Skip = "goaccess is not installed (apt-get install goaccess; .ci/run installs it)";
    }
}

/// <summary>README's GoAccess recipe, end to end on the sample logs.</summary>
public sealed class GoAccessSpecs
{
    [GoAccessFact]
    public async Task Should_feed_goaccess_every_sample_line_as_a_valid_request()
    {
        var cli = new CliProcess();
        var report = Path.Combine(cli.Home, "report.json");
        var samples = Path.Combine(RepoPaths.Samples, "s3") + "/";
        var psi = cli.StartInfo(["-c", $"set -o pipefail; '{CliProcess.Executable}' -q '{samples}' | goaccess --log-format=AWSS3 --no-progress -o '{report}' -"]);
        psi.FileName = "bash";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.StandardOutput.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, await stderr);

        int lines = (await new CliProcess().RunAsync(["-q", samples], null)).StdoutText.Count(c => c == '\n');
        var general = JsonDocument.Parse(File.ReadAllText(report)).RootElement.GetProperty("general");
        Assert.Equal(lines, general.GetProperty("total_requests").GetInt32());
        Assert.Equal(lines, general.GetProperty("valid_requests").GetInt32());
        Assert.Equal(0, general.GetProperty("failed_requests").GetInt32());
    }
}
