using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using K4os.Compression.LZ4;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>workers</c>: what spreading a run over loopback workers costs, against the same run on one
/// machine, side by side: wall time and CPU seconds of every process (the run and its workers),
/// for a plain dump and for a selective --grep. Workers are fresh processes with empty caches for
/// every round, started (and listening) before the run's clock starts. Also prints the ratios
/// README's scaling model takes: decoded bytes per stored byte (gzip), and bytes a worker sends
/// per decoded byte (its chunks, LZ4-compressed on the wire).
/// </summary>
public static class WorkersRunner
{
    private const string Secret = "benchmark fleet secret";

    /// <param name="kilobytesEach">When set, small objects of this many KB decoded (S3 access logs) instead of <paramref name="megabytesEach"/> MB.</param>
    public static async Task<int> RunAsync(int objects, int megabytesEach, int latencyMs, int rounds, int? kilobytesEach = null)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-workers-").FullName;
        try
        {
            await using var server = await S3TestServer.StartAsync(Path.Combine(scratch, "s3rver"));
            var bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("workers"));
            var logs = kilobytesEach is { } kb
                ? Enumerable.Range(0, objects).Select(i => Workloads.AccessLog(i, kb * 1024))
                    .Select((d, i) => (Key: $"small/{i:D6}.log.gz", Stored: Workloads.Gzip(d), Decoded: (long)d.Length)).ToList()
                : Workloads.LargeGzip(objects, megabytesEach);
            await server.PutAllAsync(bucket, logs.Select(l => (l.Key, l.Stored)), parallel: 4);
            await server.SetRulesAsync(bucket, new { op = "any", delayMs = latencyMs });
            long stored = logs.Sum(l => (long)l.Stored.Length), decoded = logs.Sum(l => l.Decoded);
            var decodedSample = Workloads.Gunzip(logs[0].Stored);
            double wire = WireBytesPerDecodedByte(decodedSample);
            string grep = "assets/77";
            double kept = KeptFraction(decodedSample, grep);
            var keptLines = System.Text.Encoding.UTF8.GetBytes(string.Concat(System.Text.Encoding.UTF8.GetString(decodedSample)
                .Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Contains(grep, StringComparison.Ordinal)).Select(l => l + "\n")));
            double keptWire = WireBytesPerDecodedByte(keptLines) * keptLines.Length / decodedSample.Length;
            string secretFile = Path.Combine(scratch, "secret");
            File.WriteAllText(secretFile, Secret);

            Console.WriteLine($"{objects} gzip objects of {(kilobytesEach is { } size ? $"{size} KB" : $"{megabytesEach} MB")} decoded ({stored / 1e6:0} MB stored, {decoded / 1e6:0} MB decoded, " +
                              $"{(double)decoded / stored:0.0} decoded bytes per stored byte), {latencyMs} ms added to every request, " +
                              $"median of {rounds} (interleaved); workers on 127.0.0.1, fresh and with empty caches each round.");
            Console.WriteLine($"  a worker's chunks on the wire: {wire:0.000} bytes per decoded byte (LZ4); --grep -F -e {grep} keeps {kept:P2} of lines, " +
                              $"{keptWire:0.0000} bytes on the wire per decoded byte of the object ({WireBytesPerDecodedByte(keptLines):0.000} per kept byte)");

            var cases = new List<(string Name, int Workers, string[] Extra)>();
            foreach (var (label, extra) in new[] { ("dump", Array.Empty<string>()), ($"grep", new[] { "-F", "-e", grep }) })
                for (int workers = 0; workers <= 2; workers++)
                    cases.Add(($"{label}, {(workers == 0 ? "one machine" : $"{workers} worker{(workers > 1 ? "s" : "")} + run")}", workers, extra));

            var times = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var cpu = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var sums = new Dictionary<string, string>();
            for (int r = 0; r < rounds; r++)
                foreach (var (name, count, extra) in cases)
                {
                    var workers = Enumerable.Range(0, count).Select(_ => Worker.Start(scratch, secretFile)).ToList();
                    try
                    {
                        var args = new List<string> { "-q", "--cache-hours", "0", "--endpoint-url", server.Endpoint };
                        if (count > 0) args.AddRange(["--workers", string.Join(',', workers.Select(w => w.Address)), "--secret-file", secretFile]);
                        args.AddRange(extra);
                        args.Add($"s3://{bucket}/");
                        // A worker's own start-up is not the run's cost: only what it uses from here on counts.
                        double workersBefore = workers.Sum(w => w.CpuSeconds());
                        var (seconds, runCpu, sha) = Timed(args, Fresh(scratch));
                        times[name].Add(seconds);
                        cpu[name].Add(runCpu + workers.Sum(w => w.CpuSeconds()) - workersBefore);
                        sums[name] = sums.TryGetValue(name, out var before) && before != sha ? "differs between rounds" : sha;
                    }
                    finally
                    {
                        foreach (var w in workers) w.Dispose();
                    }
                }

            foreach (var label in new[] { "dump", "grep" })
            {
                var group = cases.Where(c => c.Name.StartsWith(label)).ToList();
                double alone = Stats.Median(times[group[0].Name]), aloneCpu = Stats.Median(cpu[group[0].Name]);
                string oneMachineSha = sums[group[0].Name];
                foreach (var (name, _, _) in group)
                {
                    double t = Stats.Median(times[name]), c = Stats.Median(cpu[name]);
                    Console.WriteLine($"  {name,-28} {t,6:0.00} s ({t / alone:0.00}×)   CPU {c,6:0.00} s ({c / aloneCpu:0.00}×)   " +
                                      $"{decoded / 1e6 / t,6:0} MB/s decoded   {(sums[name] == oneMachineSha ? "same output" : "OUTPUT DIFFERS")}");
                }
            }
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    /// <summary>What the protocol's serializer sends for these bytes, per byte, in 1 MiB chunks.</summary>
    private static double WireBytesPerDecodedByte(byte[] decoded)
    {
        long wire = 0;
        var target = new byte[LZ4Codec.MaximumOutputSize(1 << 20)];
        for (int at = 0; at < decoded.Length; at += 1 << 20)
        {
            var chunk = decoded.AsSpan(at, Math.Min(1 << 20, decoded.Length - at));
            wire += 17 + Math.Min(chunk.Length, LZ4Codec.Encode(chunk, target, LZ4Level.L00_FAST));
        }
        return (double)wire / decoded.Length;
    }

    private static double KeptFraction(byte[] decoded, string fixedString)
    {
        var text = System.Text.Encoding.UTF8.GetString(decoded).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return (double)text.Count(l => l.Contains(fixedString, StringComparison.Ordinal)) / text.Length;
    }

    private static string Fresh(string scratch)
    {
        var dir = Path.Combine(scratch, $"home-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Runs s3tail with <paramref name="args"/>: wall seconds, CPU seconds (user + system, from /usr/bin/time) and its stdout's SHA-256.</summary>
    private static (double Seconds, double Cpu, string Sha) Timed(IReadOnlyList<string> args, string home)
    {
        static string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
        string usage = Path.Combine(home, "usage");
        var (seconds, sha) = ScriptRun.Run($"/usr/bin/time -f '%U %S' -o {Q(usage)} {Q(ScriptRun.Cli)} {string.Join(' ', args.Select(Q))}", home);
        double cpu = File.ReadAllText(usage).Split(' ', StringSplitOptions.RemoveEmptyEntries).Sum(double.Parse);
        return (seconds, cpu, sha);
    }

    /// <summary>An <c>s3tail worker</c> process on a free loopback port, with its own home (and so its own, empty, cache).</summary>
    private sealed class Worker : IDisposable
    {
        private readonly Process _process;
        public string Address { get; }

        private Worker(Process process, string address)
        {
            _process = process;
            Address = address;
        }

        private static ProcessStartInfo StartInfo(IEnumerable<string> args, string home)
        {
            var psi = new ProcessStartInfo(ScriptRun.Cli, args) { RedirectStandardError = true };
            ScriptRun.AsTestServerClient(psi, home);
            return psi;
        }

        public static Worker Start(string scratch, string secretFile)
        {
            int port;
            using (var free = new TcpListener(IPAddress.Loopback, 0))
            {
                free.Start();
                port = ((IPEndPoint)free.LocalEndpoint).Port;
            }
            string address = $"127.0.0.1:{port}";
            var p = Process.Start(StartInfo(["worker", "--listen", address, "--secret-file", secretFile], Fresh(scratch)))!;
            _ = p.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    probe.Connect(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(50);
                }
            }
            return new Worker(p, address);
        }

        /// <summary>CPU seconds the worker has used so far.</summary>
        public double CpuSeconds()
        {
            _process.Refresh();
            return _process.TotalProcessorTime.TotalSeconds;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill(true);
            _process.Dispose();
        }
    }
}
