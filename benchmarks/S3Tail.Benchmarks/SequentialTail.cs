using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;

namespace S3Tail.Benchmarks;

/// <summary>
/// The same job without actors or prefetching — list, then for each key fetch, decode, split
/// into lines and write, one object at a time — built from the engine's own fetcher (cache,
/// gunzip, LZ4 entry files) and line batching, so the comparison isolates what the actor
/// pipeline adds: doing those steps for several objects at once.
/// </summary>
public static class SequentialTail
{
    public static async Task<long> RunAsync(IObjectSource source, string prefix, ObjectCache? cache, ILineSink sink,
        CancellationToken cancellationToken = default)
    {
        using var spool = new SpoolFolder();
        var fetcher = new ObjectFetcher(source, cache, spool, RetryPolicy.Default, NullLog.Instance);
        long objects = 0;
        string? startAfter = null;
        while (true)
        {
            var page = await source.ListAsync(prefix, startAfter, 1000, cancellationToken);
            foreach (var info in page.Objects)
            {
                var content = await fetcher.FetchAsync(info, bypassCache: false, cancellationToken);
                using (var reader = new LineBatchReader(content.OpenDecoded()))
                {
                    while (reader.Next() is { } batch)
                    {
                        sink.Write(info.Key, batch, cancellationToken);
                        batch.Return();
                    }
                }
                content.Release();
                objects++;
            }
            if (!page.IsTruncated || page.Objects.Count == 0) return objects;
            startAfter = page.Objects[^1].Key;
        }
    }
}
