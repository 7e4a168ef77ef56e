using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// The time window with its pushdown, as the cut <see cref="Paging"/> applies to each LIST: it
/// keeps the keys inside the window and names where the next LIST starts, past what cannot match
/// (<see cref="WindowScan"/> holds the rules). It owns its scan, which remembers across pages
/// (and across a follow's polls) how far it may skip; its counts leave with each page.
/// </summary>
internal sealed class WindowStage(TimeWindow window)
{
    private readonly WindowScan _scan = new(window);

    public TimeWindow Window => window;

    public PageCut Cut(ListPage page, string? startAfter)
    {
        long before = _scan.OutsideWindow + _scan.WithoutTime;
        var (kept, next) = _scan.Take(page);
        var counts = _scan.Counts;
        return new PageCut(kept, next) { LeftOut = counts.LeftOut - before, Window = counts };
    }
}
