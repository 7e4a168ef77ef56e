using System.Collections.Immutable;
using S3Tail.Storage;

namespace S3Tail.Following;

/// <summary>
/// What a follow is done with so far, as the actor that keeps its <see cref="FollowLedger"/> last
/// reported it (<see cref="FollowOptions.Changed"/>, <see cref="TailResult.Follow"/>). Immutable,
/// so any thread may read it: the CLI saves it beside a named bookmark.
/// </summary>
internal sealed class FollowProgress
{
    private readonly ImmutableDictionary<string, KnownObject> _known;
    private readonly PartialObject? _partial;

    internal FollowProgress(ImmutableDictionary<string, KnownObject> known, PartialObject? partial, long version)
    {
        _known = known;
        _partial = partial;
        Version = version;
    }

    /// <summary>Grows with every change a <see cref="ToState"/> would show.</summary>
    public long Version { get; }

    /// <summary>Objects known done.</summary>
    public int KnownCount => _known.Count;

    /// <summary>What to save for a restart, without what ended at or before <paramref name="floor"/>.</summary>
    public FollowState ToState(DateTime floor) =>
        new(_known.Values.Where(k => k.End > floor).OrderBy(k => k.Key, Utf8Order.Instance).ToList(), _partial);
}
