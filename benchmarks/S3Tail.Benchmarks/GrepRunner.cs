using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// --grep against a pipe to grep, on about 1 GB of access logs: read in place from a local
/// folder, and from a warm cache (the objects put in the S3 test server and read once first).
/// Every case runs as a process through bash, interleaved, median of the rounds; each output is
/// hashed and the engine's must equal the pipe's. grep runs with LC_ALL=C, its fastest setting.
/// </summary>
public static class GrepRunner
{
    private const string Literal = "REST.PUT.OBJECT assets/42.js";
    private const string Regex = @"REST\.PUT\.OBJECT assets/4[0-9]\.js";

    public static async Task<int> RunAsync(int objects, int megabytesEach, int rounds)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-grep-").FullName;
        try
        {
            var folder = Path.Combine(scratch, "logs");
            Directory.CreateDirectory(folder);
            long bytes = 0;
            var keys = new List<string>();
            for (int i = 0; i < objects; i++)
            {
                var log = Workloads.LargeLog(i, megabytesEach);
                string key = $"access-{i:D4}.log";
                await File.WriteAllBytesAsync(Path.Combine(folder, key), log);
                keys.Add(key);
                bytes += log.Length;
            }

            await using var server = await S3TestServer.StartAsync(Path.Combine(scratch, "s3rver"));
            var bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("grep"));
            await server.PutAllAsync(bucket, keys.Select(k => ($"logs/{k}", File.ReadAllBytes(Path.Combine(folder, k)))), parallel: 4);
            string cli = ScriptRun.Cli;
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);
            string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
            string local = Q(folder + "/");
            string s3 = $"--endpoint-url {server.Endpoint} s3://{bucket}/logs/";
            // Warm the cache.
            Run($"{Q(cli)} -q {s3} > /dev/null", home);

            var cases = new List<(string Group, string Name, string Script)>
            {
                ("literal, local folder", "s3tail -F -e LITERAL", $"{Q(cli)} -q -F -e {Q(Literal)} {local}"),
                ("literal, local folder", "s3tail | grep -aF LITERAL", $"{Q(cli)} -q {local} | grep -aF {Q(Literal)}"),
                ("literal, warm cache", "s3tail -F -e LITERAL", $"{Q(cli)} -q -F -e {Q(Literal)} {s3}"),
                ("literal, warm cache", "s3tail | grep -aF LITERAL", $"{Q(cli)} -q {s3} | grep -aF {Q(Literal)}"),
                ("-i literal, local folder", "s3tail -i -F -e literal", $"{Q(cli)} -q -i -F -e {Q(Literal.ToLowerInvariant())} {local}"),
                ("-i literal, local folder", "s3tail | grep -aiF literal", $"{Q(cli)} -q {local} | grep -aiF {Q(Literal.ToLowerInvariant())}"),
                ("regex, local folder", "s3tail -e REGEX", $"{Q(cli)} -q -e {Q(Regex)} {local}"),
                ("regex, local folder", "s3tail | grep -aE REGEX", $"{Q(cli)} -q {local} | grep -aE {Q(Regex)}"),
                ("-v literal, local folder", "s3tail -v -F -e LITERAL", $"{Q(cli)} -q -v -F -e {Q(Literal)} {local}"),
                ("-v literal, local folder", "s3tail | grep -avF LITERAL", $"{Q(cli)} -q {local} | grep -avF {Q(Literal)}"),
            };
            var times = cases.ToDictionary(c => (c.Group, c.Name), _ => new List<double>());
            var hashes = new Dictionary<(string, string), string>();
            for (int r = 0; r < rounds; r++)
                foreach (var c in cases)
                {
                    var (seconds, sha) = Run(c.Script, home);
                    times[(c.Group, c.Name)].Add(seconds);
                    hashes[(c.Group, c.Name)] = sha;
                }

            Console.WriteLine($"{objects} objects of {megabytesEach} MB ({bytes / 1e9:0.00} GB of access logs), {Environment.ProcessorCount} cores, median of {rounds}:");
            bool allSame = true;
            foreach (var group in cases.Select(c => c.Group).Distinct())
            {
                var pair = cases.Where(c => c.Group == group).ToList();
                double engine = Stats.Median(times[(group, pair[0].Name)]), pipe = Stats.Median(times[(group, pair[1].Name)]);
                bool same = hashes[(group, pair[0].Name)] == hashes[(group, pair[1].Name)];
                allSame &= same;
                Console.WriteLine($"  {group,-26} {pair[0].Name,-26} {engine,6:0.00} s ({bytes / 1e9 / engine:0.00} GB/s)   " +
                                  $"{pair[1].Name,-28} {pipe,6:0.00} s   {pipe / engine:0.00}×   {(same ? "same bytes" : "OUTPUT DIFFERS")}");
            }
            return allSame ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    private static (double Seconds, string Sha) Run(string script, string home) =>
        ScriptRun.Run(script, home, new Dictionary<string, string> { ["LC_ALL"] = "C" });
}
