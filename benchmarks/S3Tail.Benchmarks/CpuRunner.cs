using System.Diagnostics;
using System.Runtime.InteropServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// <c>cpu</c>: the client CPU one small object costs, measured as whole processes against the S3
/// test server: each client runs over N and over 2N objects, and the difference of its CPU time
/// (user + system, from getrusage of the reaped child) divided by N is its marginal cost per
/// object — start-up cancels out. Clients: s3tail with the cache off and on, and a bare AWS SDK
/// loop doing the same GETs at the same concurrency (<c>sdkloop</c>, the floor any SDK-based tool
/// stands on). Every client's output is checked against the expected bytes by SHA-256.
/// </summary>
public static partial class CpuRunner
{
    public static async Task<int> RunAsync(int objects, int rounds)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-cpu-").FullName;
        try
        {
            await using var server = await S3TestServer.StartAsync(Path.Combine(scratch, "s3rver"));
            var small = await Bucket(server, objects);
            var large = await Bucket(server, objects * 2);
            string cli = Path.Combine(AppContext.BaseDirectory, "s3tail");
            string self = Path.Combine(AppContext.BaseDirectory, "S3Tail.Benchmarks");
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);

            var clients = new (string Name, Func<string, string[]> Command)[]
            {
                ("sdk loop, 32 in flight", b => [self, "sdkloop", server.Endpoint, b, "32"]),
                ("s3tail -p 32 --cache-hours 0", b => [cli, "--endpoint-url", server.Endpoint, "-q", "-p", "32", "--cache-hours", "0", $"s3://{b}/"]),
                ("s3tail -p 32 (cache on, cold)", b => [cli, "--endpoint-url", server.Endpoint, "-q", "-p", "32", "--cache-path", Path.Combine(scratch, $"cache-{Guid.NewGuid():N}"), $"s3://{b}/"]),
            };
            // Other builds to compare side by side: S3TAIL_BENCH_OTHER="name=/path/to/s3tail;name2=…".
            foreach (var other in (Environment.GetEnvironmentVariable("S3TAIL_BENCH_OTHER") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                var (label, path) = (other[..other.IndexOf('=')], other[(other.IndexOf('=') + 1)..]);
                clients = [.. clients, ($"{label} -p 32 --cache-hours 0", b => [path, "--endpoint-url", server.Endpoint, "-q", "-p", "32", "--cache-hours", "0", $"s3://{b}/"])];
            }
            Console.WriteLine($"client CPU per small object (4 KB), marginal over {objects} → {objects * 2} objects, median of {rounds} (rounds interleaved):");
            var samples = clients.ToDictionary(c => c.Name, _ => new List<double>());
            for (int r = 0; r < rounds; r++)
                foreach (var (name, command) in clients)
                {
                    var a = Run(command(small.Bucket), home, small.Sha);
                    var b = Run(command(large.Bucket), home, large.Sha);
                    samples[name].Add((b - a).TotalMilliseconds / objects);
                }
            var perObject = new Dictionary<string, double>();
            foreach (var (name, _) in clients)
            {
                perObject[name] = Stats.Median(samples[name]);
                Console.WriteLine($"  {name,-34} {perObject[name]:0.000} ms/object   (rounds: {string.Join(", ", samples[name].Select(s => s.ToString("0.000")))})");
            }
            double sdk = perObject[clients[0].Name];
            foreach (var (name, _) in clients.Skip(1))
                Console.WriteLine($"  {name}: {perObject[name] / sdk:0.00}× the SDK loop (target ≤ 1.2×)");
            return 0;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    private static async Task<(string Bucket, string Sha)> Bucket(S3TestServer server, int count)
    {
        var bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("cpu"));
        var objects = Workloads.ManySmall(count);
        await server.PutAllAsync(bucket, objects, parallel: 16);
        var expected = new MemoryStream();
        foreach (var (_, stored) in objects.OrderBy(o => o.Key, Storage.Utf8Order.Instance)) expected.Write(stored);
        return (bucket, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(expected.ToArray())));
    }

    /// <summary>Runs a client to its end, checks its output's hash, and returns the CPU it used.</summary>
    private static TimeSpan Run(string[] command, string home, string expectedSha)
    {
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command[1..]) psi.ArgumentList.Add(a);
        ScriptRun.AsTestServerClient(psi, home);
        var before = ChildrenCpu();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        using var sha = System.Security.Cryptography.SHA256.Create();
        using (var hashing = new System.Security.Cryptography.CryptoStream(Stream.Null, sha, System.Security.Cryptography.CryptoStreamMode.Write))
            p.StandardOutput.BaseStream.CopyTo(hashing);
        p.WaitForExit();
        var used = ChildrenCpu() - before;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{string.Join(' ', command)} failed: {stderr.Result}");
        string got = Convert.ToHexString(sha.Hash!);
        if (got != expectedSha) throw new InvalidOperationException($"{string.Join(' ', command)}: output hash {got}, expected {expectedSha}");
        return used;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UserSeconds, UserMicros, SystemSeconds, SystemMicros;
        [MarshalAs(UnmanagedType.ByValArray, SizeConst = 14)] public long[] Rest;
    }

    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRUsage(int who, ref RUsage usage);

    /// <summary>CPU time of all reaped children so far (RUSAGE_CHILDREN).</summary>
    private static TimeSpan ChildrenCpu()
    {
        var u = new RUsage { Rest = new long[14] };
        GetRUsage(-1, ref u);
        return TimeSpan.FromMicroseconds(u.UserSeconds * 1e6 + u.UserMicros + u.SystemSeconds * 1e6 + u.SystemMicros);
    }

    /// <summary>
    /// <c>sdkloop ENDPOINT BUCKET N</c>: lists the bucket and GETs every object with N requests in
    /// flight, writing the bodies to stdout in key order — the same job, with nothing but the SDK.
    /// </summary>
    public static async Task<int> SdkLoopAsync(string endpoint, string bucket, int concurrency)
    {
        using var client = new AmazonS3Client(new AmazonS3Config
        {
            ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var keys = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = after });
            if (page.S3Objects is null || page.S3Objects.Count == 0) break;
            keys.AddRange(page.S3Objects.Select(o => o.Key));
            after = keys[^1];
            if (page.IsTruncated != true) break;
        }
        var bodies = new byte[keys.Count][];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            using var response = await client.GetObjectAsync(bucket, keys[i], ct);
            var buffer = new MemoryStream();
            await response.ResponseStream.CopyToAsync(buffer, ct);
            bodies[i] = buffer.ToArray();
        });
        using var stdout = Console.OpenStandardOutput();
        foreach (var body in bodies) stdout.Write(body);
        return 0;
    }
}
