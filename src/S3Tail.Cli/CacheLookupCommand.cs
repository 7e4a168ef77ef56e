using S3Tail.Cache;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Cli;

/// <summary>
/// <c>--cache-lookup</c>: for each key under the URI (and in the time window), where its cache
/// entry is, for the run's --format (its cache suffix); downloads nothing.
/// </summary>
internal static class CacheLookupCommand
{
    public static async Task<ExitCode> RunAsync(IObjectSource source, string prefix, TimeWindow? window, ObjectCache? cache,
        TextWriter output, RetryPolicy retry, CancellationToken cancellationToken, string cacheSuffix = "")
    {
        var scan = window is null ? null : new WindowScan(window);
        string? startAfter = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            string? after = startAfter;
            var page = await retry.RunAsync(ct => source.ListAsync(prefix, after, 1000, ct), null, cancellationToken);
            var (objects, next) = scan is null
                ? (page.Objects, page.IsTruncated && page.Objects.Count > 0 ? page.Objects[^1].Key : null)
                : scan.Take(page);
            foreach (var info in objects)
            {
                string? entry = cache is not null && source.CacheIdentity is { } id ? cache.Lookup(id + cacheSuffix, info, markUsed: false) : null;
                await output.WriteAsync($"{source.BucketName}/{info.Key}\n  => {entry ?? "NOT IN CACHE"}\n");
            }
            if (next is null) break;
            startAfter = next;
        }
        await output.FlushAsync(cancellationToken);
        return ExitCode.Ok;
    }
}
