using S3Tail.Cache;
using S3Tail.Storage;

namespace S3Tail.Cli;

/// <summary><c>--cache-lookup</c>: for each key under the URI, where its cache entry is; downloads nothing.</summary>
public static class CacheLookupCommand
{
    public static async Task<ExitCode> RunAsync(IObjectSource source, string prefix, ObjectCache? cache, TextWriter output,
        RetryPolicy retry, CancellationToken cancellationToken)
    {
        string? startAfter = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            string? after = startAfter;
            var page = await retry.RunAsync(ct => source.ListAsync(prefix, after, 1000, ct), null, cancellationToken);
            foreach (var info in page.Objects)
            {
                string? entry = cache is not null && source.CacheIdentity is { } id ? cache.Lookup(id, info, markUsed: false) : null;
                await output.WriteAsync($"{source.BucketName}/{info.Key}\n  => {entry ?? "NOT IN CACHE"}\n");
            }
            if (!page.IsTruncated || page.Objects.Count == 0) break;
            startAfter = page.Objects[^1].Key;
        }
        await output.FlushAsync(cancellationToken);
        return ExitCode.Ok;
    }
}
