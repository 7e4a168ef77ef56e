using System.Diagnostics;
using System.Text.RegularExpressions;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Library;

/// <summary>The library guide's example (docs/library.md) is examples/LibraryExample, built with the suite and run here.</summary>
public sealed partial class LibraryExampleSpecs
{
    [Fact]
    public void Should_appear_in_the_library_guide_exactly_as_it_is_built()
    {
        var program = File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "LibraryExample", "Program.cs")).TrimEnd();
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "library.md"));
        Assert.Contains(program, readme);
    }

    [Fact]
    public async Task Should_count_every_404_in_the_samples_across_runs_resumed_from_its_bookmarks()
    {
        int expected = Directory.EnumerateFiles(Path.Combine(RepoPaths.Samples, "s3"))
            .Sum(f => Decoded(f).Split('\n').Count(l => l.Contains(" 404 ")));
        Assert.True(expected > 200, "the samples should hold a few hundred 404s");

        long total = 0;
        string? bookmark = null;
        for (int run = 0; run < 10; run++)
        {
            string output = await Run(bookmark is null ? [RepoPaths.Samples + "/s3/"] : [RepoPaths.Samples + "/s3/", bookmark]);
            var m = Output().Match(output);
            Assert.True(m.Success, output);
            total += long.Parse(m.Groups["n"].Value);
            bookmark = m.Groups["bookmark"].Value;
            if (m.Groups["reason"].Value == "Completed") break;
            Assert.Equal("100", m.Groups["n"].Value);
        }
        Assert.Equal(expected, total);
    }

    private static string Decoded(string path)
    {
        using var s = S3Tail.Decoding.GzipDetection.Decode(File.OpenRead(path));
        return new StreamReader(s).ReadToEnd();
    }

    private static async Task<string> Run(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "LibraryExample.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string output = await p.StandardOutput.ReadToEndAsync();
        string error = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, error);
        return output;
    }

    [GeneratedRegex(@"^(?<n>\d+) requests answered 404; (?<reason>\w+); resume with -b (?<bookmark>.+)$", RegexOptions.Multiline)]
    private static partial Regex Output();
}
