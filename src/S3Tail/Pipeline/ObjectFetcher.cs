using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Pipeline;

/// <summary>
/// Fetches one object to local disk: a valid cache entry is used as it is; otherwise the object
/// is downloaded (continuing after cuts), gunzipped if it is gzip, and written LZ4-compressed to
/// a temporary file that becomes the cache entry, or a spool file when the cache is off.
/// The downloader actors run this; it is a plain class so it can be used and tested alone.
/// </summary>
public sealed class ObjectFetcher(IObjectSource source, ObjectCache? cache, SpoolFolder? spool, RetryPolicy retry, ILog log,
    RunProgress? progress = null)
{
    /// <summary>Counts GETs made and cache hits, for the summary and the tests.</summary>
    public long Downloads => Interlocked.Read(ref _downloads);
    public long CacheHits => Interlocked.Read(ref _cacheHits);
    private long _downloads;
    private long _cacheHits;
    private readonly Lock _gate = new();
    private int _active;
    private TaskCompletionSource _idle = CompletedIdle();

    /// <summary>
    /// Completes when no fetch is running. A stopped run waits for this so that cancelled
    /// downloads have deleted their temporary files before the spool folder goes and the
    /// process exits.
    /// </summary>
    public Task WhenIdle() => Volatile.Read(ref _idle).Task;

    public async Task<ObjectContent> FetchAsync(ObjectInfo info, bool bypassCache, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_active++ == 0) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        try
        {
            return await FetchCoreAsync(info, bypassCache, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (--_active == 0) _idle.TrySetResult();
            }
        }
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task<ObjectContent> FetchCoreAsync(ObjectInfo info, bool bypassCache, CancellationToken cancellationToken)
    {
        if (source is LocalFolderSource local) return new InPlaceContent(local.PathOf(info.Key));

        string? entryPath = null;
        if (cache is not null && source.CacheIdentity is { } identity)
        {
            var (state, path) = cache.Find(identity, info);
            entryPath = path;
            if (state == EntryState.Valid && !bypassCache)
            {
                Interlocked.Increment(ref _cacheHits);
                progress?.CacheHit();
                log.Debug($"cache hit for '{info.Key}'");
                return new CachedContent(path);
            }
            if (state == EntryState.Corrupt)
                log.Warn($"The cache entry '{path}' is corrupt: its header or length is wrong. Fetching '{info.Key}' again.");
        }

        Interlocked.Increment(ref _downloads);
        progress?.Downloaded();
        EntryWriter writer;
        string finalPath;
        if (entryPath is not null) (writer, finalPath) = (cache!.CreateEntry(entryPath, info), entryPath);
        else (writer, finalPath) = spool!.Create(info);
        using (writer)
        {
            await using var stored = new ResumableObjectStream(source, info, retry, m => log.Warn(m));
            await using var decoded = await GzipDetection.DecodeAsync(stored, cancellationToken).ConfigureAwait(false);
            try
            {
                await decoded.CopyToAsync(writer.Content, 256 * 1024, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw S3TailException.Runtime($"The object s3://{source.BucketName}/{info.Key} is not valid gzip ({e.Message.TrimEnd('.')}).", e);
            }
            writer.Commit(finalPath);
        }
        return entryPath is not null ? new CachedContent(finalPath) : new SpooledContent(finalPath);
    }
}
