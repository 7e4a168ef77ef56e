using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// One page of keys as it leaves a listing stage: the keys still wanted, in key order, and where
/// the listing goes on. <see cref="After"/> is the key the next LIST starts after (a follow lists
/// on from there even once <see cref="More"/> says this listing is over). A page that says no more
/// is the last of its sequence.
/// </summary>
internal sealed record KeyPage(IReadOnlyList<ObjectInfo> Keys, string? After, bool More)
{
    /// <summary>Keys of this page the time window left out (outside it, or without a time).</summary>
    public long LeftOut { get; init; }

    /// <summary>The time window's counts so far, this page included (null without a window).</summary>
    public WindowCounts? Window { get; init; }

    /// <summary>Found by a follow's look-back: objects that sort before what was handed out already.</summary>
    public bool Late { get; init; }
}

/// <summary>
/// What a stage that sees whole LIST answers keeps of one (<see cref="Keys"/>) and where the next
/// LIST should start: after <see cref="Next"/>, or nowhere (null) when the listing is over.
/// </summary>
internal sealed record PageCut(IReadOnlyList<ObjectInfo> Keys, string? Next)
{
    public long LeftOut { get; init; }

    public WindowCounts? Window { get; init; }

    /// <summary>Every key, and on after the last one while the answer says there are more.</summary>
    public static PageCut All(ListPage page, string? startAfter) =>
        new(page.Objects, page.Objects.Count > 0 ? page.Objects[^1].Key : startAfter);
}

/// <summary>One LIST of the run's prefix, keys strictly after <c>startAfter</c> (retried as the run's policy says).</summary>
internal sealed class PageSource(Func<string?, CancellationToken, Task<ListPage>> list)
{
    public Task<ListPage> ListAsync(string? startAfter, CancellationToken cancellationToken) => list(startAfter, cancellationToken);
}
