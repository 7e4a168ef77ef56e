using System.Runtime.CompilerServices;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// What one poll of a follow lists, as an async sequence: first a <see cref="KeyPage.Late"/> page
/// of the objects in the look-back window that sort before the newest key handed out
/// (<see cref="LookBackListing"/>; its owner drops those its ledger knows), then the key-order
/// listing on from where the last one ran dry. When a poll is due is its owner's business (a
/// timer), and so is the ledger: both belong to the listing actor.
/// </summary>
internal sealed class FollowPolling(PageSource list, TimeSpan lookBack, TimeWindow? runWindow)
{
    /// <summary>
    /// The window a poll at <paramref name="now"/> looks back over: the look-back, within the run's
    /// own window. Null when it is empty, or when nothing could be found in it
    /// (<paramref name="anythingToFind"/> false: no key handed out had a time, none is known).
    /// </summary>
    public TimeWindow? LookBackWindow(DateTime now, bool anythingToFind)
    {
        var floor = now - lookBack;
        var since = runWindow?.Since is { } s && s > floor ? s : floor;
        var until = runWindow?.Until;
        return !anythingToFind || until <= since ? null : new TimeWindow(since, until);
    }

    /// <param name="window">From <see cref="LookBackWindow"/> (null: no look-back this time).</param>
    /// <param name="before">The newest key handed out in key order.</param>
    /// <param name="listOn">The key-order listing on from where it ran dry.</param>
    public async IAsyncEnumerable<KeyPage> PollAsync(TimeWindow? window, string? before, IAsyncEnumerable<KeyPage> listOn,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var found = window is null ? [] : await LookBackListing.ListAsync(list, window, before, cancellationToken).ConfigureAwait(false);
        yield return new KeyPage(found, null, More: true) { Late = true };
        await foreach (var page in listOn.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return page;
    }
}
