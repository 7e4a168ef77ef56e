using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Pipeline;

public sealed class ObjectFetcherSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3tail-fetch-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static byte[] Read(ObjectContent content)
    {
        using var s = content.OpenDecoded();
        var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    public static TheoryData<string, byte[], byte[]> Objects => new()
    {
        // key, stored, decoded
        { "small", Text("a\nb\n"), Text("a\nb\n") },
        { "small.gz", Gzip(Text("a\nb\n")), Text("a\nb\n") },
        // A small gzip that decodes past the in-memory limit (1 MiB of one byte repeated).
        { "bomb.gz", Gzip(Enumerable.Repeat((byte)'x', 1024 * 1024).Append((byte)'\n').ToArray()), Enumerable.Repeat((byte)'x', 1024 * 1024).Append((byte)'\n').ToArray() },
        { "large", AccessLog(3, 600), AccessLog(3, 600) },
    };

    [Theory]
    [MemberData(nameof(Objects))]
    public async Task Should_give_the_decoded_bytes_and_fill_the_cache_whatever_the_size(string key, byte[] stored, byte[] decoded)
    {
        var source = new MemorySource([(key, stored)]);
        var cache = new ObjectCache(Path.Combine(_dir, "cache"), TimeSpan.FromHours(1));
        var fetcher = new ObjectFetcher(source, cache, new SpoolFolder(_dir), RetryPolicy.Default, NullLog.Instance);
        var info = (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.Single();

        var content = await fetcher.FetchAsync(info, false, CancellationToken.None);

        Assert.Equal(decoded, Read(content));
        bool small = stored.Length <= ObjectFetcher.SmallStoredBytes && decoded.Length <= ObjectFetcher.SmallDecodedBytes;
        Assert.Equal(small, content is InMemoryContent);
        // The cache entry is written either way, so a second run downloads nothing.
        Assert.Equal(decoded, Read(new CachedContent(cache.Lookup(source.CacheIdentity!, info)!)));
    }
}
