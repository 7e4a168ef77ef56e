using System.IO.Compression;
using System.Text;
using S3Tail.Storage;

namespace S3Tail.Tests.Support;

/// <summary>Building test objects and the output s3tail must produce for them.</summary>
public static class Objects
{
    public static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Gzip(byte[] content)
    {
        var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(content);
        return output.ToArray();
    }

    /// <summary>Gzip of several members back to back, as some log shippers write.</summary>
    public static byte[] MultiMemberGzip(params byte[][] parts) => parts.SelectMany(Gzip).ToArray();

    /// <summary>
    /// What s3tail writes for these objects: each decoded object in UTF-8 key order, with a
    /// newline added where the last line lacks one.
    /// </summary>
    public static byte[] ExpectedOutput(IEnumerable<(string Key, byte[] Decoded)> objects)
    {
        var output = new MemoryStream();
        foreach (var (_, decoded) in objects.OrderBy(o => o.Key, ByteOrder.Instance))
        {
            output.Write(decoded);
            if (decoded.Length > 0 && decoded[^1] != '\n') output.WriteByte((byte)'\n');
        }
        return output.ToArray();
    }

    /// <summary>Lines like S3 server access logs, deterministic for a seed.</summary>
    public static byte[] AccessLog(int seed, int lines)
    {
        var random = new Random(seed);
        var sb = new StringBuilder();
        string[] ops = ["REST.GET.OBJECT", "REST.PUT.OBJECT", "REST.HEAD.OBJECT", "REST.GET.BUCKET"];
        for (int i = 0; i < lines; i++)
        {
            var t = new DateTime(2016, 9, 11, 0, 0, 0).AddSeconds(seed * 37 + i);
            sb.Append($"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be collab-production [{t:dd/MMM/yyyy:HH:mm:ss} +0000] ")
              .Append($"10.0.{random.Next(256)}.{random.Next(256)} arn:aws:iam::123456789012:user/app {random.NextInt64():X16} ")
              .Append($"{ops[random.Next(ops.Length)]} assets/{random.Next(1000)}.js \"GET /assets/{random.Next(1000)}.js HTTP/1.1\" ")
              .Append($"200 - {random.Next(100000)} {random.Next(100000)} {random.Next(200)} {random.Next(100)} \"-\" \"Mozilla/5.0\" -\n");
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }
}

/// <summary>Expected output around a bookmark.</summary>
public static class Resume
{
    /// <summary>Every line after <paramref name="bookmark"/> (KEY:LINE): the rest of KEY, then later keys.</summary>
    public static byte[] ExpectedAfter(IEnumerable<(string Key, byte[] Decoded)> objects, string? bookmark)
    {
        if (bookmark is null) return Objects.ExpectedOutput(objects);
        var b = S3Tail.Bookmarks.Bookmark.Parse(bookmark);
        var output = new MemoryStream();
        foreach (var (key, decoded) in objects.OrderBy(o => o.Key, ByteOrder.Instance))
        {
            int order = ByteOrder.Instance.Compare(key, b.Key);
            if (order < 0) continue;
            var text = Objects.ExpectedOutput([(key, decoded)]);
            int start = 0;
            if (order == 0)
                for (long skipped = 0; skipped < b.Line && start < text.Length; skipped++)
                    start = Array.IndexOf(text, (byte)'\n', start) + 1;
            output.Write(text, start, text.Length - start);
        }
        return output.ToArray();
    }
}
