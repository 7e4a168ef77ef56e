namespace S3Tail;

/// <summary>
/// Live counters of a run, updated by the actors as they go and readable from any thread (the
/// CLI's progress line reads them a few times a second). Totals at the end are in
/// <see cref="RunStatistics"/>.
/// </summary>
public sealed class RunProgress
{
    private long _listed, _leftOut, _written, _bytes, _cacheHits, _downloads;
    private string? _currentKey;

    public long ObjectsListed => Interlocked.Read(ref _listed);
    /// <summary>Listed keys left out by the time window (outside it, or carrying no time).</summary>
    public long KeysLeftOut => Interlocked.Read(ref _leftOut);
    public long ObjectsWritten => Interlocked.Read(ref _written);
    public long BytesWritten => Interlocked.Read(ref _bytes);
    public long CacheHits => Interlocked.Read(ref _cacheHits);
    public long Downloads => Interlocked.Read(ref _downloads);

    /// <summary>The key whose lines are being written.</summary>
    public string? CurrentKey => Volatile.Read(ref _currentKey);

    internal void Listed() => Interlocked.Increment(ref _listed);
    internal void LeftOut(long count) => Interlocked.Add(ref _leftOut, count);
    internal void Written() => Interlocked.Increment(ref _written);
    internal void Wrote(string key, long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        Volatile.Write(ref _currentKey, key);
    }
    internal void CacheHit() => Interlocked.Increment(ref _cacheHits);
    internal void Downloaded() => Interlocked.Increment(ref _downloads);
}
