using System.Collections.Immutable;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Following;

/// <summary>
/// What a follow remembers so that it writes every object exactly once: the objects done with
/// inside the look-back window (<see cref="KnownObject"/>, by key and ETag), the objects handed
/// out and not yet ended (in hand-out order, which is the order they end in), and the late
/// object whose lines are being written. It has one owner, the listing actor: it hands objects
/// out, and hears from the sequencer by message as objects end and late lines are written. Others
/// see it through the immutable <see cref="Progress"/> it reports.
/// </summary>
internal sealed class FollowLedger
{
    // Immutable, so a Progress costs nothing to take however many objects are known.
    private ImmutableDictionary<string, KnownObject> _known = ImmutableDictionary.Create<string, KnownObject>(StringComparer.Ordinal);
    private readonly Queue<ObjectInfo> _handed = new();
    private readonly Dictionary<string, ObjectInfo> _inFlight = new(StringComparer.Ordinal);
    private PartialObject? _partial;   // the late object stopped in: saved, so a restart goes on with it
    private PartialObject? _resume;    // the saved one, until the lister takes it to hand out

    /// <summary>A ledger for a new follow, or one resuming from <paramref name="saved"/>.</summary>
    public FollowLedger(FollowState? saved = null)
    {
        Resumed = saved is not null;
        _known = _known.SetItems((saved?.Known ?? []).Select(k => KeyValuePair.Create(k.Key, k)));
        // The saved late object stays partial until a line of it is written or it ends: a run
        // that stops before then (before it was even fetched) saves it again as it was. Dropped,
        // the next run would find it unknown inside the look-back and write it whole once more.
        _partial = _resume = saved?.Partial;
    }

    /// <summary>
    /// True when it resumes a saved state: objects inside the look-back window that it does not
    /// know are late and get written. A new follow first takes what is already there before its
    /// starting key as done (a plain <c>KEY:LINE</c> bookmark resumes key order only).
    /// </summary>
    public bool Resumed { get; }

    /// <summary>Changes with every change a snapshot would show.</summary>
    public long Version { get; private set; }

    /// <summary>Objects known done, inside the window.</summary>
    public int KnownCount => _known.Count;

    /// <summary>What it knows now, as a value others may keep.</summary>
    public FollowProgress Progress => new(_known, _partial, Version);

    /// <summary>
    /// The late object a saved follow stopped in, once: the lister hands it out first. It stays
    /// in <see cref="Progress"/> until it ends or a later line of it is written.
    /// </summary>
    public PartialObject? TakeResume()
    {
        var resume = _resume;
        _resume = null;
        return resume;
    }

    /// <summary>True when this object (same key and ETag) was handed out already, or is done with.</summary>
    public bool IsDone(ObjectInfo info) =>
        (_known.TryGetValue(info.Key, out var k) && k.ETag == info.ETag)
        || (_inFlight.TryGetValue(info.Key, out var f) && f.ETag == info.ETag);

    /// <summary>The object goes to the pipeline; it ends in the order it was handed out.</summary>
    public void Handed(ObjectInfo info)
    {
        _handed.Enqueue(info);
        _inFlight[info.Key] = info;
        Version++;
    }

    /// <summary>An object there before a new follow's start: done with, never written.</summary>
    public void PassedOver(ObjectInfo info) => Remember(info);

    /// <summary>
    /// The oldest object handed out ended: <paramref name="done"/> when every line of it went
    /// out (or it was skipped), false when the run stopped with some of it unwritten — then the
    /// next run finds it again (by key order, or as late).
    /// </summary>
    public void Ended(bool done)
    {
        if (!_handed.TryDequeue(out var info)) return;
        _inFlight.Remove(info.Key);
        if (!done) return;
        Remember(info);
        if (_partial?.Key == info.Key) _partial = null;
    }

    /// <summary>A line of a late object went out (the writer acknowledged it).</summary>
    public void LateLineWritten(string key, long line)
    {
        if (!_inFlight.TryGetValue(key, out var info)) return;
        _partial = new PartialObject(key, info.ETag, info.Size, line);
        Version++;
    }

    /// <summary>Drops what the look-back window no longer reaches: periods that ended at or before <paramref name="floor"/>.</summary>
    public void Forget(DateTime floor)
    {
        var gone = _known.Where(k => k.Value.End is not { } end || end <= floor).Select(k => k.Key).ToList();
        if (gone.Count == 0) return;
        _known = _known.RemoveRange(gone);
        Version += gone.Count;
    }

    /// <summary>What to save for a restart, without what ended at or before <paramref name="floor"/>.</summary>
    public FollowState Snapshot(DateTime floor) => Progress.ToState(floor);

    private void Remember(ObjectInfo info)
    {
        // A key without a time is never listed again by a look-back: key order covers it.
        if (KeyTime.PeriodOf(info.Key) is not { } period) return;
        _known = _known.SetItem(info.Key, new KnownObject(info.Key, info.ETag, period.End));
        Version++;
    }
}
