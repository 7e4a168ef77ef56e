using S3Tail.Bookmarks;
using S3Tail.Following;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// The stages before a GET, put together for one run: LISTs (<see cref="Paging"/>, or
/// <see cref="SplitPaging"/>'s concurrent ranges when <see cref="Split"/> is set) through the
/// time window and its pushdown (<see cref="WindowStage"/>), then the bookmark's skip
/// (<see cref="BookmarkSkip"/>) and the key filter (<see cref="KeyFilterStage"/>); in follow mode,
/// each poll (<see cref="FollowPolling"/>) looks back and lists on through the same stages. The
/// sequences are driven by one consumer, the listing actor, one page at a time; the stages' state
/// (the window's scan above all) lives in them and in nothing else.
/// </summary>
internal sealed class KeyListing
{
    private readonly Bookmark? _bookmark;
    private readonly Func<string, bool>? _keyFilter;
    private readonly WindowStage? _window;
    private readonly FollowPolling? _polling;

    public KeyListing(IObjectSource source, string prefix, int pageSize, RetryPolicy retry, ILog log, Bookmark? bookmark,
        Func<string, bool>? keyFilter, TimeWindow? window, FollowOptions? follow)
    {
        List = new PageSource((startAfter, ct) =>
            retry.RunAsync(c => source.ListAsync(prefix, startAfter, pageSize, c), m => log.Warn($"listing: {m}"), ct));
        _bookmark = bookmark;
        _keyFilter = keyFilter;
        _window = window is null ? null : new WindowStage(window);
        _polling = follow is null ? null : new FollowPolling(List, follow.LookBack, window);
    }

    /// <summary>One LIST of the run's prefix, retried.</summary>
    public PageSource List { get; }

    /// <summary>How key-order listings split time-named keys into ranges listed concurrently; null: page after page.</summary>
    public ListingSplit? Split { get; init; }

    /// <summary>The run's listing from its bookmark (or first key) on; <paramref name="firstPage"/> is its first LIST if started already.</summary>
    public IAsyncEnumerable<KeyPage> FromStart(Task<ListPage>? firstPage) => KeyOrder(BookmarkSkip.StartAfter(_bookmark?.Key), firstPage);

    /// <summary>The key-order listing on after <paramref name="startAfter"/>.</summary>
    public IAsyncEnumerable<KeyPage> KeyOrder(string? startAfter, Task<ListPage>? firstPage = null)
    {
        var pages = SplitPaging.PagesAsync(List, startAfter, firstPage, _window is null ? null : _window.Cut, Split);
        return KeyFilterStage.WhereAsync(BookmarkSkip.SkipAsync(pages, _bookmark), _keyFilter);
    }

    /// <summary>
    /// A follow's poll at <paramref name="now"/>: the look-back below <paramref name="newest"/>
    /// (when <paramref name="anythingToFind"/>), then the key-order listing on after <paramref name="after"/>.
    /// </summary>
    public IAsyncEnumerable<KeyPage> Poll(DateTime now, bool anythingToFind, string? newest, string? after)
    {
        var polling = _polling ?? throw new InvalidOperationException("not a follow");
        return polling.PollAsync(polling.LookBackWindow(now, anythingToFind), newest, KeyOrder(after));
    }
}
