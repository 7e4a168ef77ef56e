using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// One poll's second look: the objects whose key time is inside the look-back window and whose
/// keys sort before <c>before</c> (the newest key handed out; what sorts after it the ordinary
/// listing finds). The listing is pushed down like any windowed one (<see cref="WindowStage"/>),
/// so when nothing arrived it costs about two LISTs per log source under the prefix.
/// </summary>
internal static class LookBackListing
{
    public static async Task<List<ObjectInfo>> ListAsync(PageSource list, TimeWindow window, string? before, CancellationToken cancellationToken)
    {
        var stage = new WindowStage(window);
        var found = new List<ObjectInfo>();
        await foreach (var page in Paging.PagesAsync(list, null, null, stage.Cut, cancellationToken).ConfigureAwait(false))
        {
            foreach (var info in page.Keys)
            {
                if (before is not null && Utf8Order.Instance.Compare(info.Key, before) >= 0) return found;
                found.Add(info);
            }
            if (before is not null && page.More && Utf8Order.Instance.Compare(page.After, before) >= 0) return found;
        }
        return found;
    }
}
