using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Following;

/// <summary>
/// One poll's second look: the objects whose key time is inside the look-back window and whose
/// keys sort before <c>before</c> (the newest key handed out; what sorts after it the ordinary
/// listing finds). The listing is pushed down like any windowed one (<see cref="WindowScan"/>),
/// so when nothing arrived it costs about two LISTs per log source under the prefix.
/// </summary>
public static class LookBackListing
{
    public static async Task<List<ObjectInfo>> ListAsync(IObjectSource source, string prefix, TimeWindow window, string? before,
        int pageSize, RetryPolicy retry, ILog log, CancellationToken cancellationToken)
    {
        var scan = new WindowScan(window);
        var found = new List<ObjectInfo>();
        string? after = null;
        do
        {
            string? from = after;
            var page = await retry.RunAsync(ct => source.ListAsync(prefix, from, pageSize, ct), m => log.Warn($"listing: {m}"),
                cancellationToken).ConfigureAwait(false);
            var (inWindow, next) = scan.Take(page);
            foreach (var info in inWindow)
            {
                if (before is not null && Utf8Order.Instance.Compare(info.Key, before) >= 0) return found;
                found.Add(info);
            }
            if (before is not null && next is not null && Utf8Order.Instance.Compare(next, before) >= 0) return found;
            after = next;
        } while (after is not null);
        return found;
    }
}
