using System.Runtime.CompilerServices;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// What a split listing needs: the run's time window (the ranges cover it, not more) and the
/// clock (without a window's end, the span ends now), and how far it may list ahead.
/// </summary>
/// <param name="Ahead">Ranges listed ahead of the one being read (each at most <paramref name="BufferPages"/> pages).</param>
internal sealed record ListingSplit(TimeWindow? Window, TimeProvider Clock, int Ahead = 8, int BufferPages = 4);

/// <summary>
/// The first stage when the keys are time-named: a LIST is 30–300 ms on S3 for 1,000 keys, so a
/// day of access logs paged one LIST after another takes longer than fetching it at full
/// concurrency. When the first LIST comes back full and mostly of one key-time layout, the keys
/// from there to the end of the span are cut into ranges by key time (<see cref="KeyRanges"/>),
/// listed concurrently (<see cref="RangeSchedule"/>, <see cref="RangeFill"/>) and read back range
/// after range: ranges are disjoint and in key order, so the pages come out in strict key order,
/// every key once, as <see cref="Paging"/> gives them. The keys past the last range (later than
/// the span, or of another stem or layout that sorts after it) are paged on as ever, starting
/// with what the last range's last LIST already holds. Otherwise it is <see cref="Paging"/>.
///
/// <para>The cut (the time window's) sees every LIST's keys in key order, as it does in
/// <see cref="Paging"/>; inside the ranges its seeks are not needed (the ranges cover the window
/// only), so where it says to go on is taken only after the last range. Its reader (the listing
/// actor) pulls a page only when its keys run low, so the ranges list at most a few pages ahead
/// of what the credit window takes: memory stays bounded by the ranges ahead and their pages.</para>
/// </summary>
internal static class SplitPaging
{
    /// <summary>As <see cref="Paging.PagesAsync"/>, split when <paramref name="split"/> is given and the keys allow.</summary>
    public static async IAsyncEnumerable<KeyPage> PagesAsync(PageSource list, string? startAfter, Task<ListPage>? firstPage,
        Func<ListPage, string?, PageCut>? cut, ListingSplit? split, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (split is null)
        {
            await foreach (var page in Paging.PagesAsync(list, startAfter, firstPage, cut, cancellationToken).ConfigureAwait(false))
                yield return page;
            yield break;
        }
        cut ??= PageCut.All;
        var first = firstPage is null ? await list.ListAsync(startAfter, cancellationToken).ConfigureAwait(false)
            : await Paging.FirstAsync(firstPage, list, startAfter, cancellationToken).ConfigureAwait(false);
        var firstKeys = Paging.Keep(first, startAfter, cut);
        string? after = firstKeys.After;
        var plan = firstKeys.More ? KeyRanges.Plan(first, split.Window, split.Clock.GetUtcNow().UtcDateTime) : null;
        if (plan is null || after is null)
        {
            // Not split: page after page from there (the cut has seen the first answer; it counts what it leaves out).
            yield return firstKeys;
            if (!firstKeys.More) yield break;
            await foreach (var page in Paging.PagesAsync(list, after, null, cut, cancellationToken).ConfigureAwait(false))
                yield return page;
            yield break;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var ranges = new RangeSchedule(plan, list, after, split.Ahead, split.BufferPages, stop.Token);
        try
        {
            yield return firstKeys;
            while (ranges.Next() is { } range)
            {
                await foreach (var keys in range.Pages.ReadAllAsync(stop.Token).ConfigureAwait(false))
                {
                    var inRange = cut(new ListPage(keys, IsTruncated: true), after);
                    after = keys[^1].Key;
                    yield return new KeyPage(inRange.Keys, after, More: true) { LeftOut = inRange.LeftOut, Window = inRange.Window };
                }
            }
            // Past the last range: its last LIST's keys from there on are the first answer after it.
            var open = ranges.Last is { } last ? Task.FromResult(last.Remainder) : null;
            await foreach (var page in Paging.PagesAsync(list, after, open, cut, cancellationToken).ConfigureAwait(false))
                yield return page;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await ranges.StoppedAsync().ConfigureAwait(false);
        }
    }
}
