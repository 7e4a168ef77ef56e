using System.Diagnostics;
using System.Security.Cryptography;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>peers</c>: the same job done by s3tail and by the tools people reach for instead, side by
/// side in one run against the S3 test server with a fixed latency on every request: s3tail
/// (default options, a fixed window, auto), rclone copy into a folder then zcat in key order, and
/// the AWS CLI's recursive copy then zcat (each only where it is installed). Every output's
/// SHA-256 is compared with the expected bytes: the copy-then-zcat pipelines glue an object's
/// unterminated last line to the next object's first, which s3tail never does.
/// </summary>
public static class PeersRunner
{
    public static async Task<int> RunAsync(int objects, int latencyMs, int rounds)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-peers-").FullName;
        try
        {
            await using var server = await S3TestServer.StartAsync(Path.Combine(scratch, "s3rver"));
            var bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("peers"));
            // Access logs of ~4.7 KB; every seventh gzipped, as a mixed prefix would be.
            var logs = Enumerable.Range(0, objects).Select(i => (Key: $"logs/collab-production-s3-access-{i:D6}", Decoded: Workloads.AccessLog(i, 4700))).ToList();
            await server.PutAllAsync(bucket, logs.Select(l => (l.Key, l.Key.EndsWith('7') ? Workloads.Gzip(l.Decoded) : l.Decoded)), parallel: 16);
            await server.SetRulesAsync(bucket, new { op = "any", delayMs = latencyMs });
            var expected = Convert.ToHexString(SHA256.HashData(logs.OrderBy(l => l.Key, Storage.Utf8Order.Instance).SelectMany(l => l.Decoded).ToArray()));
            long bytes = logs.Sum(l => (long)l.Decoded.Length);

            string cli = ScriptRun.Cli;
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);
            string uri = $"s3://{bucket}/logs/";
            string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
            // s3tail runs under /usr/bin/time (when there is one) for its peak RSS.
            string rssFile = Path.Combine(scratch, "rss");
            string Timed(string command) => File.Exists("/usr/bin/time") ? $"/usr/bin/time -f %M -o {Q(rssFile)} {command}" : command;
            var cases = new List<(string Name, Func<string> Script)>
            {
                ("s3tail (defaults: auto, cache on)", () => Timed($"{Q(cli)} -q --cache-path {Q(Fresh(scratch))} --endpoint-url {server.Endpoint} {uri}")),
                ("s3tail --cache-hours 0", () => Timed($"{Q(cli)} -q --cache-hours 0 --endpoint-url {server.Endpoint} {uri}")),
                ("s3tail -p 32 --cache-hours 0", () => Timed($"{Q(cli)} -q -p 32 --cache-hours 0 --endpoint-url {server.Endpoint} {uri}")),
            };
            if (Installed("rclone"))
                cases.Add(("rclone copy --transfers 32 --checkers 32, zcat -f", () =>
                {
                    var dir = Fresh(scratch);
                    return $"rclone copy --transfers 32 --checkers 32 bench:{bucket}/logs {Q(dir)} && cd {Q(dir)} && find . -type f | LC_ALL=C sort | xargs zcat -f";
                }));
            if (Installed("aws"))
                cases.Add(("aws s3 cp --recursive (32 requests), zcat -f", () =>
                {
                    var dir = Fresh(scratch);
                    return $"aws --endpoint-url {server.Endpoint} s3 cp --recursive --quiet s3://{bucket}/logs/ {Q(dir)} && cd {Q(dir)} && find . -type f | LC_ALL=C sort | xargs zcat -f";
                }));

            Console.WriteLine($"{objects} access-log objects ({bytes / 1e6:0.0} MB), {latencyMs} ms added to every request, median of {rounds} (interleaved):");
            var times = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var exact = new Dictionary<string, bool>();
            var peakRss = new Dictionary<string, long>();
            for (int r = 0; r < rounds; r++)
                foreach (var (name, script) in cases)
                {
                    File.Delete(rssFile);
                    var (seconds, sha) = Run(script(), home, server.Endpoint);
                    times[name].Add(seconds);
                    exact[name] = sha == expected;
                    if (File.Exists(rssFile) && long.TryParse(File.ReadAllText(rssFile).Trim(), out long kb))
                        peakRss[name] = Math.Max(peakRss.GetValueOrDefault(name), kb);
                }
            foreach (var (name, _) in cases)
                Console.WriteLine($"  {name,-52} {Stats.Median(times[name]),6:0.00} s   {(exact[name] ? "exact" : "output differs")}" +
                                  (peakRss.TryGetValue(name, out long rss) ? $"   peak RSS {rss / 1024.0:0} MB" : ""));
            if (times.ContainsKey(cases[^1].Name) && Installed("rclone"))
            {
                double rclone = Stats.Median(times.First(t => t.Key.StartsWith("rclone")).Value);
                Console.WriteLine($"  s3tail defaults vs rclone + zcat: {rclone / Stats.Median(times[cases[0].Name]):0.00}× (target ≥ 1.25×; ≤ 0.8 s)");
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    private static string Fresh(string scratch)
    {
        var dir = Path.Combine(scratch, $"run-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static bool Installed(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    private static (double Seconds, string Sha) Run(string script, string home, string endpoint)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_MAX_CONCURRENT_REQUESTS"] = "32",
            ["RCLONE_CONFIG_BENCH_TYPE"] = "s3",
            ["RCLONE_CONFIG_BENCH_PROVIDER"] = "Other",
            ["RCLONE_CONFIG_BENCH_ENDPOINT"] = endpoint,
            ["RCLONE_CONFIG_BENCH_ACCESS_KEY_ID"] = S3TestServer.AccessKey,
            ["RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey,
        };
        // rclone's SDK refuses a CA bundle with its own HTTP transport; the endpoint is plain http.
        return ScriptRun.Run($"unset AWS_CA_BUNDLE; {script}", home, environment);
    }
}
