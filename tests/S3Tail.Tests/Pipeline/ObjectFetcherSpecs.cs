using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Contents;
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

    /// <summary>A bucket whose first download, once read to its end, removes the cache's temporary files.</summary>
    private sealed class VanishingTempSource(MemorySource inner, string cacheRoot) : IObjectSource
    {
        private int _downloads;
        public string BucketName => inner.BucketName;
        public string? CacheIdentity => inner.CacheIdentity;
        public bool ReadsInPlace => false;
        public string Describe(string key) => inner.Describe(key);
        public Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken ct) =>
            inner.ListAsync(prefix, startAfter, maxKeys, ct);

        public async Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken ct)
        {
            var body = await inner.OpenReadAsync(info, offset, ct);
            if (Interlocked.Increment(ref _downloads) > 1) return body;
            var all = new MemoryStream();
            await body.CopyToAsync(all, ct);
            return new VanishAtEnd(all.ToArray(), cacheRoot);
        }

        public void Dispose() => inner.Dispose();

        private sealed class VanishAtEnd(byte[] bytes, string cacheRoot) : ReadOnlyStream
        {
            private int _read;
            public override int Read(Span<byte> buffer)
            {
                int n = Math.Min(buffer.Length, bytes.Length - _read);
                bytes.AsSpan(_read, n).CopyTo(buffer);
                _read += n;
                if (n == 0)
                    foreach (var temp in Directory.EnumerateFiles(cacheRoot, ".tmp-*", SearchOption.AllDirectories)) File.Delete(temp);
                return n;
            }
        }
    }

    [Fact]
    public async Task Should_fetch_again_when_the_entry_being_written_vanishes_before_its_rename()
    {
        var decoded = AccessLog(5, 600);
        var root = Path.Combine(_dir, "cache");
        using var source = new VanishingTempSource(new MemorySource([("large", decoded)]), root);
        var cache = new ObjectCache(root, TimeSpan.FromHours(1));
        var fetcher = new ObjectFetcher(source, cache, new SpoolFolder(_dir), RetryPolicy.Default, NullLog.Instance);
        var info = (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.Single();

        var content = await fetcher.FetchAsync(info, false, CancellationToken.None);

        Assert.Equal(decoded, Read(content));
        Assert.Equal(2, fetcher.Downloads);
    }
}
