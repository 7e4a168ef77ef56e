using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace S3Tail.Benchmarks;

/// <summary>
/// The regex engines .NET offers, on a batch of access-log text as --grep searches it
/// (Multiline, culture-invariant): what chose RegexOptions.Compiled for the engine's matcher.
/// </summary>
public static class RegexEngineRunner
{
    public static int Run()
    {
        var bytes = Workloads.LargeLog(1, 8);
        var text = Encoding.UTF8.GetString(bytes);
        Console.WriteLine($"{bytes.Length / 1e6:0.0} MB of access logs decoded to UTF-16, GB/s of log bytes (best of 3 rounds of 5):");
        foreach (var pattern in new[] { @"REST\.PUT\.OBJECT", @"REST\.PUT\.OBJECT \S+\.js", @"\s(404|403)\s", @"^[0-9a-f]{64} collab" })
        {
            var line = new StringBuilder($"  {pattern,-28}");
            foreach (var engine in new[] { RegexOptions.Compiled, RegexOptions.None, RegexOptions.NonBacktracking })
            {
                var regex = new Regex(pattern, engine | RegexOptions.Multiline | RegexOptions.CultureInvariant);
                double best = 0;
                int matches = 0;
                for (int round = 0; round < 4; round++)
                {
                    var clock = Stopwatch.StartNew();
                    for (int rep = 0; rep < 5; rep++)
                    {
                        matches = 0;
                        foreach (var _ in regex.EnumerateMatches(text)) matches++;
                    }
                    if (round > 0) best = Math.Max(best, 5.0 * bytes.Length / 1e9 / clock.Elapsed.TotalSeconds);
                }
                line.Append($"  {(engine == RegexOptions.None ? "Interpreted" : engine.ToString())} {best,5:0.00}");
            }
            Console.WriteLine(line);
        }
        return 0;
    }
}
