using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Pipeline;

/// <summary>
/// Gets one object's decoded bytes onto local disk, by one path for every source:
/// <list type="bullet">
/// <item>a plain file of lines the source can read in place (a local folder) is used where it is;</item>
/// <item>a valid cache entry is used as it is;</item>
/// <item>anything else — every S3 object, and compressed objects from any source — is read
/// (continuing after cuts), decompressed if it is gzip, zstd, Snappy or zip, cut into lines by its
/// framing (JSON records: see <see cref="ObjectDecoding"/>), and written LZ4-compressed to a temporary file that becomes
/// the cache entry, or a spool file when there is no cache. So compressed data is checked end to end before
/// its first line is written, whatever the source.</item>
/// </list>
/// The downloader actors run this; it is a plain class so it can be used and tested alone.
/// </summary>
internal sealed partial class ObjectFetcher(IObjectSource source, ObjectCache? cache, SpoolFolder? spool, RetryPolicy retry, ILog log,
    RunProgress? progress = null, DecodeOptions? decoding = null)
{
    /// <summary>How objects are cut into lines (the run's --format); the cache keeps each way apart.</summary>
    public DecodeOptions Decoding { get; } = decoding ?? DecodeOptions.Default;

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

    /// <param name="throttled">called, on the download's thread, each time a request is throttled or fails transiently.</param>
    public async Task<ObjectContent> FetchAsync(ObjectInfo info, bool bypassCache, CancellationToken cancellationToken, Action? throttled = null)
    {
        lock (_gate)
        {
            if (_active++ == 0) _idle = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        try
        {
            return await FetchCoreAsync(info, bypassCache, throttled, cancellationToken).ConfigureAwait(false);
        }
        catch (FileNotFoundException e) when (Path.GetFileName(e.FileName ?? "").StartsWith(".tmp-", StringComparison.Ordinal)
                                              && !cancellationToken.IsCancellationRequested)
        {
            // The entry's temporary file, or its shard folder, was removed by someone else (a
            // user clearing the cache mid-run). Nothing was handed on yet, so fetching again is
            // exact. (Seen in runs once: writers racing the making of a fresh shard folder, which
            // ObjectCache.CreateEntry now waits for.)
            log.Warn($"the cache entry being written for '{info.Key}' was removed before it was complete ({e.FileName}); fetching it again.");
            return await FetchCoreAsync(info, bypassCache: true, throttled, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            lock (_gate)
            {
                if (--_active == 0) _idle.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Fetches the object and runs <paramref name="filter"/> over it past its first
    /// <paramref name="skipLines"/> lines, on this task: the kept lines, ready to write. The
    /// fetched copy (cache entry, spool file) is left as without a filter, so another search
    /// downloads nothing. A cache entry found corrupt while filtering is fetched afresh.
    /// </summary>
    public async Task<ObjectContent> FetchFilteredAsync(ObjectInfo info, long skipLines, Filtering.LineFilter filter,
        CancellationToken cancellationToken, Action? throttled = null)
    {
        var content = await FetchAsync(info, bypassCache: false, cancellationToken, throttled).ConfigureAwait(false);
        FilteredContent? filtered = null;
        Task<FilteredContent> Filter() =>
            Task.Run(() => Filtering.ObjectFilter.Apply(content, skipLines, filter, cancellationToken), cancellationToken);
        try
        {
            try
            {
                filtered = await Filter().ConfigureAwait(false);
            }
            catch (CorruptEntryException e)
            {
                log.Warn($"{e.Message} Fetching '{info.Key}' again.");
                content.Release();
                content = await RefetchAsync(info, e.EntryPath, cancellationToken, throttled).ConfigureAwait(false);
                filtered = await Filter().ConfigureAwait(false);
            }
            return filtered;
        }
        catch (Filtering.PatternTimeoutException e)
        {
            throw S3TailException.Runtime(e.Describe(info.Key), e);
        }
        finally
        {
            // Kept as ranges, the filtered content reads the fetched copy again and owns it now.
            if (filtered?.Kept is not RangeContent) content.Release();
        }
    }

    /// <summary>A cache entry failed its checks while being read: delete it and fetch the object afresh.</summary>
    public Task<ObjectContent> RefetchAsync(ObjectInfo info, string corruptEntryPath, CancellationToken cancellationToken, Action? throttled = null)
    {
        cache?.Remove(corruptEntryPath);
        return FetchAsync(info, bypassCache: true, cancellationToken, throttled);
    }

    private static TaskCompletionSource CompletedIdle()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    private async Task<ObjectContent> FetchCoreAsync(ObjectInfo info, bool bypassCache, Action? throttled, CancellationToken cancellationToken)
    {
        if (source.ReadsInPlace)
        {
            var local = await source.OpenReadAsync(info, 0, cancellationToken).ConfigureAwait(false);
            var head = new byte[ObjectDecoding.FramingHeadBytes];
            int n = local.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            if (CompressionDetection.Detect(head.AsSpan(0, n)) == Compression.None
                && ObjectDecoding.DetectFraming(head.AsSpan(0, n), Decoding.Format) == Framing.Lines)
            {
                await local.DisposeAsync().ConfigureAwait(false);
                return new InPlaceContent(source, info);
            }
            await using var stored = new PrefixedStream(head.AsMemory(0, n), local);
            return await DecodeToFileAsync(info, stored, null, Decoding, cancellationToken).ConfigureAwait(false);
        }

        string? entryPath = null;
        if (cache is not null && source.CacheIdentity is { } identity)
        {
            var (state, entry) = cache.Find(identity + Decoding.CacheSuffix, info);
            entryPath = entry;
            if (state == EntryState.Valid && !bypassCache)
            {
                Interlocked.Increment(ref _cacheHits);
                progress?.CacheHit();
                log.Debug($"cache hit for '{info.Key}'");
                return new CachedContent(entry);
            }
            if (state == EntryState.Corrupt)
                log.Warn($"The cache entry '{entry}' is corrupt: its header or length is wrong. Fetching '{info.Key}' again.");
        }

        Interlocked.Increment(ref _downloads);
        progress?.Downloaded();
        void OnRetry(string message)
        {
            throttled?.Invoke();
            log.Warn(message);
        }
        // A large object comes as parallel ranged GETs, each pinned to its ETag, put back in order.
        // (Not from a server known to ignore ranges: each part would cost the object's head.)
        await using Stream download = info.Size > PartedObjectStream.Threshold && source is not S3ObjectSource { IgnoresRanges: true }
            ? new PartedObjectStream(source, info, retry, OnRetry)
            : new ResumableObjectStream(source, info, retry, OnRetry);
        return await DecodeToFileAsync(info, download, entryPath, Decoding, cancellationToken).ConfigureAwait(false);
    }
}
