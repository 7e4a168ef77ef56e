using System.Diagnostics;
using System.Security.Cryptography;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>peers-large</c>: one large gzip object (400 MB of access-log lines by default), read whole
/// by s3tail (defaults, and <c>--cache-hours 0</c>) and by the pipelines people use instead —
/// <c>rclone cat | zcat</c>, <c>aws s3 cp - | zcat</c> — from <c>benchmarks/servers/static-s3.js</c>
/// with a fixed latency on every request (s3rver's CPU a byte would set the pace on two cores),
/// and locally, <c>s3tail ./folder/</c> against <c>zcat</c>. Interleaved rounds, medians; every
/// output's SHA-256 is checked against the object's decoded bytes.
/// </summary>
public static class PeersLargeRunner
{
    public static async Task<int> RunAsync(int megabytes, int latencyMs, int rounds)
    {
        string gz = GunzipRunner.Make(megabytes);
        var scratch = Directory.CreateTempSubdirectory("s3tail-peers-large-").FullName;
        Process? server = null;
        try
        {
            // The server's folder: one bucket holding the object; the local runs read a folder of it.
            string bucketDir = Path.Combine(scratch, "buckets", "large");
            Directory.CreateDirectory(bucketDir);
            string object_ = Path.Combine(bucketDir, "access.log.gz");
            File.CreateSymbolicLink(object_, gz);
            string expected;
            long decoded;
            using (var s = new S3Tail.Decoding.GzipMemberStream(File.OpenRead(gz)))
            using (var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var buffer = new byte[1 << 20];
                int n;
                decoded = 0;
                while ((n = s.Read(buffer)) > 0) { sha.AppendData(buffer, 0, n); decoded += n; }
                expected = Convert.ToHexString(sha.GetHashAndReset());
            }

            server = Process.Start(new ProcessStartInfo("node",
                [Path.Combine(RepoPaths.Root, "benchmarks", "servers", "static-s3.js"), Path.Combine(scratch, "buckets"), "0", latencyMs.ToString()])
                { RedirectStandardOutput = true })!;
            string ready = await server.StandardOutput.ReadLineAsync() ?? "";
            if (!ready.StartsWith("LISTENING ")) throw new InvalidOperationException($"static-s3.js did not start: {ready}");
            string endpoint = $"http://127.0.0.1:{ready["LISTENING ".Length..]}";

            string cli = ScriptRun.Cli;
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);
            string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
            var cases = new List<(string Name, Func<string> Script)>
            {
                ("s3tail (defaults: auto, cache on)", () => $"{Q(cli)} -q --cache-path {Q(Fresh(scratch))} --endpoint-url {endpoint} s3://large/"),
                ("s3tail --cache-hours 0", () => $"{Q(cli)} -q --cache-hours 0 --endpoint-url {endpoint} s3://large/"),
                ("s3tail ./folder/ (local)", () => $"{Q(cli)} -q {Q(bucketDir + "/")}"),
                ("zcat FILE (local)", () => $"zcat {Q(gz)}"),
            };
            if (Installed("rclone")) cases.Add(("rclone cat | zcat", () => "rclone cat bench:large/access.log.gz | zcat"));
            if (Installed("aws")) cases.Add(("aws s3 cp - | zcat", () => $"aws --endpoint-url {endpoint} s3 cp s3://large/access.log.gz - | zcat"));

            Console.WriteLine($"one gzip object: {new FileInfo(gz).Length / 1e6:0} MB stored, {decoded / 1e6:0} MB of access-log lines; " +
                              $"{latencyMs} ms added to every request; median of {rounds} (interleaved); wall seconds, CPU seconds (user + system of the whole pipeline)");
            var wall = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var cpu = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var exact = new Dictionary<string, bool>();
            for (int r = 0; r < rounds; r++)
                foreach (var (name, script) in cases)
                {
                    var cpuFile = Path.Combine(scratch, "cpu");
                    // The pipeline's CPU: bash's children, as the shell's `times` reports them.
                    var (seconds, sha) = Run($"{script()}; times > {Q(cpuFile)}", home, endpoint);
                    wall[name].Add(seconds);
                    cpu[name].Add(ChildCpu(File.ReadAllLines(cpuFile)[^1]));
                    exact[name] = sha == expected;
                }
            foreach (var (name, _) in cases)
                Console.WriteLine($"  {name,-36} {Stats.Median(wall[name]),6:0.00} s wall {Stats.Median(cpu[name]),6:0.00} s CPU   {(exact[name] ? "exact" : "OUTPUT DIFFERS")}");
            foreach (var (peer, us) in new[] { ("rclone cat | zcat", "s3tail (defaults: auto, cache on)"), ("rclone cat | zcat", "s3tail --cache-hours 0"), ("zcat FILE (local)", "s3tail ./folder/ (local)") })
                if (wall.ContainsKey(peer))
                    Console.WriteLine($"  {us} against {peer}: {Stats.Median(wall[peer]) / Stats.Median(wall[us]):0.00}× faster (wall)");
            return 0;
        }
        finally
        {
            try { server?.Kill(); } catch (InvalidOperationException) { }
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    /// <summary>The children's user and system time from the second line of bash's <c>times</c> ("0m1.234s 0m0.100s").</summary>
    private static double ChildCpu(string line) =>
        line.Trim().Split(' ').Sum(t => int.Parse(t[..t.IndexOf('m')]) * 60 + double.Parse(t[(t.IndexOf('m') + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));

    private static string Fresh(string scratch)
    {
        var dir = Path.Combine(scratch, $"cache-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static bool Installed(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));

    private static (double Seconds, string Sha) Run(string script, string home, string endpoint) =>
        // rclone's SDK refuses a CA bundle with its own HTTP transport; the endpoint is plain http.
        ScriptRun.Run($"unset AWS_CA_BUNDLE; {script}", home, new Dictionary<string, string>
        {
            ["RCLONE_CONFIG_BENCH_TYPE"] = "s3",
            ["RCLONE_CONFIG_BENCH_PROVIDER"] = "Other",
            ["RCLONE_CONFIG_BENCH_ENDPOINT"] = endpoint,
            ["RCLONE_CONFIG_BENCH_ACCESS_KEY_ID"] = S3TestServer.AccessKey,
            ["RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY"] = S3TestServer.SecretKey,
            ["RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE"] = "true",
        });
}
