using System.IO.Compression;
using System.Text;

namespace S3Tail.Benchmarks;

/// <summary>The data sets of the scenarios, deterministic for a seed.</summary>
public static class Workloads
{
    /// <summary>Lines in the S3 server access log format, ~330 bytes each.</summary>
    public static byte[] AccessLog(int seed, int bytes)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(bytes + 512);
        string[] ops = ["REST.GET.OBJECT", "REST.PUT.OBJECT", "REST.HEAD.OBJECT", "REST.GET.BUCKET"];
        for (int i = 0; sb.Length < bytes; i++)
        {
            var t = new DateTime(2016, 9, 11).AddSeconds(seed * 37 + i);
            sb.Append($"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be collab-production [{t:dd/MMM/yyyy:HH:mm:ss} +0000] ")
              .Append($"10.0.{random.Next(256)}.{random.Next(256)} - {random.NextInt64():X16} {ops[random.Next(ops.Length)]} assets/{random.Next(1000)}.js ")
              .Append($"\"GET /collab-production/assets/{random.Next(1000)}.js HTTP/1.1\" 200 - {random.Next(100000)} {random.Next(100000)} ")
              .Append($"{random.Next(200)} {random.Next(100)} \"-\" \"Mozilla/5.0 (X11; Linux x86_64)\" - SigV4 ECDHE-RSA-AES128-GCM-SHA256\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static byte[] Gunzip(byte[] stored)
    {
        using var gz = new GZipStream(new MemoryStream(stored), CompressionMode.Decompress);
        var output = new MemoryStream();
        gz.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gz.Write(content);
        return output.ToArray();
    }

    /// <summary>S1: many small objects (~4 KB of access-log lines each).</summary>
    public static List<(string Key, byte[] Stored)> ManySmall(int count) =>
        Enumerable.Range(0, count).Select(i => ($"s1/collab-production-s3-access-{i:D6}", AccessLog(i, 4000))).ToList();

    /// <summary>S2: large gzip objects of <paramref name="megabytes"/> MB decoded each.</summary>
    public static List<(string Key, byte[] Stored, long Decoded)> LargeGzip(int count, int megabytes) =>
        Enumerable.Range(0, count).Select(i =>
        {
            var decoded = LargeLog(i, megabytes);
            return ($"s2/AWSLogs/elasticloadbalancing/{i:D3}.log.gz", Gzip(decoded), (long)decoded.Length);
        }).ToList();

    /// <summary>
    /// <paramref name="megabytes"/> MB of access-log lines drawn at random from ~12,000 distinct
    /// ones. Repeating one block would let gzip and LZ4 find a match for every line and flatter
    /// both; lines this far apart mostly fall outside their windows (32 and 64 KB), so the
    /// compression ratios are those of real logs. Generating every line afresh would dominate
    /// the set-up.
    /// </summary>
    public static byte[] LargeLog(int seed, int megabytes)
    {
        var pool = Pool.Value;
        var random = new Random(seed);
        var output = new MemoryStream(megabytes << 20);
        while (output.Length < (long)megabytes << 20)
        {
            var (start, length) = pool.Lines[random.Next(pool.Lines.Length)];
            output.Write(pool.Bytes, start, length);
        }
        return output.ToArray();
    }

    private static readonly Lazy<(byte[] Bytes, (int Start, int Length)[] Lines)> Pool = new(() =>
    {
        var bytes = AccessLog(12345, 4 << 20);
        var lines = new List<(int, int)>();
        for (int start = 0; start < bytes.Length;)
        {
            int end = Array.IndexOf(bytes, (byte)'\n', start) + 1;
            lines.Add((start, end - start));
            start = end;
        }
        return (bytes, lines.ToArray());
    });
}
