using System.Runtime.CompilerServices;
using S3Tail.Storage;

namespace S3Tail.Listing;

/// <summary>
/// The first stage: LIST after LIST from a start key, as an async sequence of pages. Each LIST
/// starts where the previous page's cut says (<see cref="PageCut.Next"/>): after its last key, or
/// further on when a time window seeks past keys that cannot match (<see cref="WindowStage"/>).
/// The sequence ends with the page after which there is nothing more to list.
/// </summary>
internal static class Paging
{
    /// <param name="list">One LIST.</param>
    /// <param name="startAfter">The key the listing starts after (null: the prefix's first key).</param>
    /// <param name="firstPage">
    /// The first LIST when the caller started it already (<c>S3TailEngine.StartListing</c>);
    /// should it fail, it is asked again the ordinary way.
    /// </param>
    /// <param name="cut">What to keep of a LIST's answer and where to go on (null: every key, on after the last).</param>
    public static async IAsyncEnumerable<KeyPage> PagesAsync(PageSource list, string? startAfter, Task<ListPage>? firstPage = null,
        Func<ListPage, string?, PageCut>? cut = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        cut ??= PageCut.All;
        string? after = startAfter;
        while (true)
        {
            var page = firstPage is null ? await list.ListAsync(after, cancellationToken).ConfigureAwait(false)
                : await FirstAsync(firstPage, list, after, cancellationToken).ConfigureAwait(false);
            firstPage = null;
            var keys = Keep(page, after, cut);
            after = keys.After;
            yield return keys;
            if (!keys.More) yield break;
        }
    }

    /// <summary>What <paramref name="cut"/> keeps of one LIST's answer, and where the listing goes on after it.</summary>
    internal static KeyPage Keep(ListPage page, string? after, Func<ListPage, string?, PageCut> cut)
    {
        string? last = page.Objects.Count > 0 ? page.Objects[^1].Key : after;
        var kept = cut(page, after);
        bool more = page.IsTruncated && kept.Next is not null;
        return new KeyPage(kept.Keys, kept.Next ?? last, more) { LeftOut = kept.LeftOut, Window = kept.Window };
    }

    /// <summary>The first LIST started before the listing, or asked again if it failed.</summary>
    internal static async Task<ListPage> FirstAsync(Task<ListPage> firstPage, PageSource list, string? after, CancellationToken cancellationToken)
    {
        try
        {
            return await firstPage.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Asked before the run started, with no retry of its own: the ordinary way retries it.
            return await list.ListAsync(after, cancellationToken).ConfigureAwait(false);
        }
    }
}
