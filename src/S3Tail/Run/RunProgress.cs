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
    private long _late, _linesExamined, _linesWritten;
    private int _waiting;
    private long _lastPollTicks;

    public long ObjectsListed => Interlocked.Read(ref _listed);
    /// <summary>Listed keys left out by the time window (outside it, or carrying no time).</summary>
    public long KeysLeftOut => Interlocked.Read(ref _leftOut);
    public long ObjectsWritten => Interlocked.Read(ref _written);
    public long BytesWritten => Interlocked.Read(ref _bytes);
    public long CacheHits => Interlocked.Read(ref _cacheHits);
    public long Downloads => Interlocked.Read(ref _downloads);

    /// <summary>Source lines examined up to the bookmark (kept or not, under a filter).</summary>
    public long LinesExamined => Interlocked.Read(ref _linesExamined);

    /// <summary>Lines written (the kept ones, under a filter).</summary>
    public long LinesWritten => Interlocked.Read(ref _linesWritten);

    /// <summary>Follow mode: objects found late so far.</summary>
    public long LateObjects => Interlocked.Read(ref _late);

    /// <summary>Follow mode: true while the listing waits for the next poll.</summary>
    public bool IsWaiting => Volatile.Read(ref _waiting) != 0;

    /// <summary>Follow mode: when the last poll started (UTC), or null before the first.</summary>
    public DateTime? LastPoll => Interlocked.Read(ref _lastPollTicks) is var t and > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    /// <summary>The key whose lines are being written.</summary>
    public string? CurrentKey => Volatile.Read(ref _currentKey);

    internal void Listed() => Interlocked.Increment(ref _listed);
    internal void Lines(long examined, long written)
    {
        Interlocked.Add(ref _linesExamined, examined);
        Interlocked.Add(ref _linesWritten, written);
    }
    internal void Late() => Interlocked.Increment(ref _late);
    internal void Waiting(bool waiting) => Volatile.Write(ref _waiting, waiting ? 1 : 0);
    internal void Polled(DateTime now) => Interlocked.Exchange(ref _lastPollTicks, now.Ticks);
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
