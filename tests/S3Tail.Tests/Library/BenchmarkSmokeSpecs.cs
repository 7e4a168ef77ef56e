using System.Diagnostics;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Library;

/// <summary>The benchmarks are not part of the suite, but they must keep building and running.</summary>
public sealed class BenchmarkSmokeSpecs
{
    [SkippableFact]
    [Trait(SlowCheck.Trait, SlowCheck.Value)]
    public async Task Should_build_and_run_one_tiny_scenario()
    {
        SlowCheck.SkipUnlessAsked();
        var project = Path.Combine(RepoPaths.Root, "benchmarks", "S3Tail.Benchmarks", "S3Tail.Benchmarks.csproj");
        var psi = new ProcessStartInfo("dotnet", ["run", "--project", project, "--", "smoke"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoPaths.Root,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));

        Assert.True(p.ExitCode == 0, await stderr + await stdout);
        var output = await stdout;
        Assert.Contains("smoke          sequential", output);
        Assert.Contains("smoke          actors p8", output);
    }
}
