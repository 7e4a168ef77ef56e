using S3Tail.Following;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// What the listing side of a follow keeps: the <see cref="FollowLedger"/> (so it hands out
/// nothing twice), the newest key handed out in key order (late objects sort before it; a poll
/// looks back below it), whether any key handed out had a time (under a prefix of keys without,
/// a look-back finds nothing), and one poll's counts for its log line. A plain type: the listing
/// actor owns it, and is told by the sequencer as objects end.
/// </summary>
internal sealed class FollowListing(FollowOptions options, string? startKey)
{
    private bool _sawTimedKey, _firstLookBackDone;
    private int _newThisPoll, _lateThisPoll;
    private long _polls, _reported = -1;

    public FollowLedger Ledger { get; } = new(options.Saved);

    public FollowOptions Options => options;

    /// <summary>The greatest key handed out in key order (at first the bookmark's).</summary>
    public string? Newest { get; private set; } = startKey;

    /// <summary>True when a look-back could find something: a key with a time was handed out, or one is known.</summary>
    public bool AnythingToFind => _sawTimedKey || Ledger.KnownCount > 0;

    /// <summary>The late object a saved follow stopped in, handed out again first (once).</summary>
    public PartialObject? Resume()
    {
        if (Ledger.TakeResume() is not { } partial) return null;
        Handed(new ObjectInfo(partial.Key, partial.ETag, partial.Size), late: true);
        return partial;
    }

    /// <summary>A key-order key: true when it is to be handed out (and now is), false when handed out or done with already.</summary>
    public bool TakeNew(ObjectInfo info)
    {
        if (Ledger.IsDone(info)) return false;
        Handed(info, late: false);
        _newThisPoll++;
        return true;
    }

    /// <summary>
    /// Of what a look-back found, the objects to hand out as late (and now handed). A new follow
    /// takes what was there before its bookmark as done at its first look-back: it resumes key
    /// order only.
    /// </summary>
    public List<ObjectInfo> TakeLate(IReadOnlyList<ObjectInfo> found, string? bookmarkKey)
    {
        var late = new List<ObjectInfo>();
        foreach (var info in found)
        {
            if (Ledger.IsDone(info)) continue;
            if (!Ledger.Resumed && !_firstLookBackDone && bookmarkKey is not null && Utf8Order.Instance.Compare(info.Key, bookmarkKey) < 0)
            {
                Ledger.PassedOver(info);
                continue;
            }
            Handed(info, late: true);
            late.Add(info);
        }
        _lateThisPoll += late.Count;
        _firstLookBackDone = true;
        return late;
    }

    /// <summary>The listing ran dry: the log line of the poll that just ended (none before the first), and a new count.</summary>
    public string? PollEnded()
    {
        string? line = _polls > 0
            ? $"poll: {_newThisPoll} new, {_lateThisPoll} late object(s); {Ledger.KnownCount} known in the look-back window"
            : null;
        _newThisPoll = _lateThisPoll = 0;
        return line;
    }

    /// <summary>A poll starts at <paramref name="now"/>: the ledger forgets what the look-back no longer reaches.</summary>
    public void PollStarts(DateTime now)
    {
        _polls++;
        Ledger.Forget(now - options.LookBack);
    }

    /// <summary>The ledger's state when it changed since the last call, else null.</summary>
    public FollowProgress? Changes()
    {
        if (Ledger.Version == _reported) return null;
        _reported = Ledger.Version;
        return Ledger.Progress;
    }

    private void Handed(ObjectInfo info, bool late)
    {
        Ledger.Handed(info);
        if (!late && (Newest is null || Utf8Order.Instance.Compare(info.Key, Newest) > 0)) Newest = info.Key;
        _sawTimedKey |= KeyTime.PeriodOf(info.Key) is not null;
    }
}
