using System.Diagnostics;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Tooling;

/// <summary>
/// README's install: `dotnet pack` makes a .NET tool that installs and runs — a small package
/// that points at ReadyToRun packages for linux-x64 and linux-arm64 and a portable one for the
/// rest, and the install on this machine picks its own platform's.
/// </summary>
public sealed class ToolInstallSpecs
{
    [SkippableFact]
    [Trait(SlowCheck.Trait, SlowCheck.Value)]
    public async Task Should_pack_a_dotnet_tool_that_installs_and_answers_its_version()
    {
        SlowCheck.SkipUnlessAsked();
        var root = Directory.CreateTempSubdirectory("s3tail-tool-").FullName;
        try
        {
            var packages = Path.Combine(root, "packages");
            var tools = Path.Combine(root, "tools");
            var cli = Path.Combine(RepoPaths.Root, "src", "S3Tail.Cli", "S3Tail.Cli.csproj");
            // The install gets a NuGet folder of its own, so an s3tail package cached by an earlier
            // run cannot stand in. The pack must not: it restores the repository's own projects,
            // whose obj/ would then point at a folder deleted below.
            var isolated = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(root, "nuget") };

            await Run("dotnet", ["pack", cli, "-c", "Release", "-o", packages], []);
            var made = Directory.EnumerateFiles(packages, "s3tail*.nupkg").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(4, made.Count);
            Assert.Contains(made, f => f!.StartsWith("s3tail.any."));
            Assert.Contains(made, f => f!.StartsWith("s3tail.linux-x64."));
            await Run("dotnet", ["tool", "install", "s3tail", "--tool-path", tools, "--add-source", packages], isolated);
            var version = await Run(Path.Combine(tools, "s3tail"), ["--version"], isolated);

            Assert.Matches(@"^\d+\.\d+\.\d+\n$", version);
            if (System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier == "linux-x64")
                Assert.NotEmpty(Directory.EnumerateDirectories(Path.Combine(tools, ".store"), "s3tail.linux-x64", SearchOption.AllDirectories));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    private static async Task<string> Run(string file, string[] args, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {await stderr}{await stdout}");
        return await stdout;
    }
}
