using S3Tail.Bookmarks;
using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail;

/// <summary>What to read and how: the source and prefix, where to resume, how far to prefetch.</summary>
public sealed record TailRequest
{
    /// <summary>
    /// The default for <see cref="Prefetch"/>: auto. A fixed window has no right value: 16 was the
    /// knee at 20 ms per request, 256 was best at 5 and 80 ms on many small objects, and 4 is
    /// plenty for a few large gzip objects. Auto finds the window for the link and backs off when
    /// throttled, and its stored bytes in flight are bounded (see
    /// <see cref="Pipeline.PrefetchController"/>); <c>benchmarks … -- auto</c> measures it against
    /// every fixed window.
    /// </summary>
    public const int DefaultPrefetch = AutoPrefetch;

    /// <summary>
    /// <see cref="Prefetch"/> value for auto: the window adapts to the latency and backs off when
    /// throttled (<see cref="Pipeline.PrefetchController"/>).
    /// </summary>
    public const int AutoPrefetch = 0;

    /// <summary>The largest --prefetch accepted: more only opens connections nobody reads.</summary>
    public const int MaxPrefetch = 1024;

    public required IObjectSource Source { get; init; }

    /// <summary>
    /// Spread the fetching over these workers as well as this process (null: this process alone).
    /// The run makes its own cluster node to reach them (<see cref="Workers.WorkerSet.For"/>);
    /// the run's <see cref="Filter"/>, if any, must be a <see cref="Filtering.GrepFilter"/>, which can travel.
    /// </summary>
    public Workers.WorkerSet? Workers { get; init; }

    /// <summary>Only keys starting with this are read.</summary>
    public string Prefix { get; init; } = "";

    /// <summary>Resume after this line (null: from the first key).</summary>
    public Bookmark? Bookmark { get; init; }

    /// <summary>Objects fetched ahead (1 = sequential), or <see cref="AutoPrefetch"/>.</summary>
    public int Prefetch { get; init; } = DefaultPrefetch;

    /// <summary>
    /// Only objects whose key's time (<see cref="Windowing.KeyTime"/>) overlaps this window are
    /// read, and the listing skips what cannot match; keys without a time are left out. Null:
    /// every key. <see cref="Windowing.TimeWindow.Parse"/> reads the CLI's --since/--until forms.
    /// </summary>
    public Windowing.TimeWindow? Window { get; init; }

    /// <summary>
    /// Keep only the lines this filter keeps (null: every line). It runs in the downloaders, in
    /// parallel, right after decoding; bookmarks still count the objects' own lines.
    /// <see cref="Filtering.GrepFilter.Create"/> makes the CLI's <c>--grep</c> filter.
    /// </summary>
    public Filtering.LineFilter? Filter { get; init; }

    /// <summary>
    /// How objects are cut into lines (the CLI's --format and --records-with-parent); default:
    /// told from each object's content. Workers decode as this says.
    /// </summary>
    internal Decoding.DecodeOptions Decoding { get; init; } = S3Tail.Decoding.DecodeOptions.Default;

    /// <summary>End the run after this many lines are written (kept lines, under a filter); null: no limit.</summary>
    public long? MaxLines { get; init; }

    /// <summary>Keep polling for new and late objects after the last one (null: end after it).</summary>
    public Following.FollowOptions? Follow { get; init; }

    /// <summary>Keys for which this returns false are skipped (not fetched).</summary>
    public Func<string, bool>? KeyFilter { get; init; }

    /// <summary>The cache, or null to spool downloads to temporary files instead.</summary>
    public ObjectCache? Cache { get; init; }

    /// <summary>Where spool folders go when the cache is off (default: the system temp folder).</summary>
    public string? SpoolParent { get; init; }

    /// <summary>Warn about an object that cannot be read and go on with the next.</summary>
    public bool SkipErrors { get; init; }

    /// <summary>Retries and the stall timeout (the CLI's --stall-timeout); the defaults suit S3.</summary>
    internal RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// Called (on an actor's thread; keep it quick) each time the bookmark moves, i.e. each time
    /// the writer acknowledges a batch. The CLI uses it to checkpoint named bookmarks.
    /// </summary>
    public Action<Bookmark>? BookmarkMoved { get; init; }

    public ILog Log { get; init; } = NullLog.Instance;

    /// <summary>
    /// The first page of the listing when the caller has already asked for it (see
    /// <see cref="S3TailEngine.StartListing"/>), so the request overlaps the actor system's start-up.
    /// </summary>
    internal Task<ListPage>? FirstPage { get; init; }

    /// <summary>Live counters for a progress display (optional).</summary>
    public RunProgress? Progress { get; init; }

    /// <summary>Keys listed a page (S3's maximum is 1000).</summary>
    public int ListPageSize { get; init; } = 1000;

    /// <summary>
    /// List time-named keys as concurrent ranges of key time (<c>Listing.SplitPaging</c>) rather
    /// than page after page; false only to measure the difference.
    /// </summary>
    internal bool SplitListing { get; init; } = true;
}
