using System.Threading.Channels;
using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Benchmarks;

/// <summary>
/// The plain concurrent design, without actors: a bounded channel of fetch tasks started in key
/// order, N at a time, and one loop that awaits them in that order and writes their lines —
/// the same fetcher, decoder and line batching as the engine. It is the honest middle baseline:
/// what the actor pipeline adds beyond concurrency (exact stops, credit-based flow, skip rules,
/// healing) should cost little against it.
/// </summary>
public static class ConcurrentTail
{
    public static async Task<long> RunAsync(IObjectSource source, string prefix, ObjectCache? cache, ILineSink sink, int concurrency,
        CancellationToken cancellationToken = default)
    {
        using var spool = new SpoolFolder();
        var fetcher = new ObjectFetcher(source, cache, spool, RetryPolicy.Default, NullLog.Instance);
        // The channel's capacity is the window: at most `concurrency` fetches run or wait unwritten.
        var pending = Channel.CreateBounded<Task<ObjectContent>>(new BoundedChannelOptions(concurrency) { SingleReader = true, SingleWriter = true });

        var producing = Task.Run(async () =>
        {
            try
            {
                string? startAfter = null;
                while (true)
                {
                    var page = await source.ListAsync(prefix, startAfter, 1000, cancellationToken);
                    foreach (var info in page.Objects)
                    {
                        await pending.Writer.WaitToWriteAsync(cancellationToken);
                        pending.Writer.TryWrite(fetcher.FetchAsync(info, bypassCache: false, cancellationToken));
                    }
                    if (!page.IsTruncated || page.Objects.Count == 0) break;
                    startAfter = page.Objects[^1].Key;
                }
            }
            finally
            {
                pending.Writer.Complete();
            }
        }, cancellationToken);

        long objects = 0;
        await foreach (var fetch in pending.Reader.ReadAllAsync(cancellationToken))
        {
            var content = await fetch;
            var decoded = content.OpenDecoded();
            using (var reader = new LineBatchReader(decoded, sizeHint: (decoded as ReadOnlyStream)?.KnownLength))
            {
                while (reader.Next() is { } batch)
                {
                    sink.Write("", batch, cancellationToken);
                    batch.Return();
                }
            }
            content.Release();
            objects++;
        }
        await producing;
        return objects;
    }
}
