using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Model;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// One large object behind a per-connection bandwidth cap (the test server's bytesPerSecond rule):
/// a single GET of it with the AWS SDK, against s3tail, which fetches it as parallel ranged GETs.
/// Both outputs are hashed against the object.
/// </summary>
public static class LargeObjectRunner
{
    public static async Task<int> RunAsync(int megabytes, int bytesPerSecond, int rounds)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-large-").FullName;
        try
        {
            await using var server = await S3TestServer.StartAsync(Path.Combine(scratch, "s3rver"));
            var bucket = await server.CreateBucketAsync(S3TestServer.NewBucketName("large"));
            var content = Workloads.LargeLog(7, megabytes);
            await server.PutAsync(bucket, "big/one.log", content);
            await server.SetRulesAsync(bucket, new { op = "getObject", bytesPerSecond });
            string expected = Convert.ToHexString(SHA256.HashData(content));
            string cli = ScriptRun.Cli;
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);

            var single = new List<double>();
            var parted = new List<double>();
            bool exact = true;
            for (int r = 0; r < rounds; r++)
            {
                var clock = Stopwatch.StartNew();
                using (var response = await server.Client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "big/one.log" }))
                {
                    var sha = await SHA256.HashDataAsync(response.ResponseStream);
                    exact &= Convert.ToHexString(sha) == expected;
                }
                single.Add(clock.Elapsed.TotalSeconds);
                var (seconds, hash) = ScriptRun.Run($"'{cli}' -q --cache-hours 0 --endpoint-url {server.Endpoint} s3://{bucket}/big/", home);
                parted.Add(seconds);
                exact &= hash == expected;
            }
            Console.WriteLine($"one object of {content.Length / 1e6:0} MB, each connection capped at {bytesPerSecond / 1e6:0} MB/s, median of {rounds}:");
            Console.WriteLine($"  single GET (AWS SDK)                      {Stats.Median(single),6:0.00} s  {content.Length / 1e6 / Stats.Median(single),6:0.0} MB/s");
            Console.WriteLine($"  s3tail (ranged parts, 8 ahead)            {Stats.Median(parted),6:0.00} s  {content.Length / 1e6 / Stats.Median(parted),6:0.0} MB/s");
            Console.WriteLine($"  speed-up {Stats.Median(single) / Stats.Median(parted):0.00}× (target ≥ 4×); {(exact ? "both exact" : "OUTPUT DIFFERS")}");
            return exact ? 0 : 1;
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }
}
