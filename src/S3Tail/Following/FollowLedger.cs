using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Following;

/// <summary>
/// What a follow remembers so that it writes every object exactly once: the objects done with
/// inside the look-back window (<see cref="KnownObject"/>, by key and ETag), the objects handed
/// out and not yet ended (in hand-out order, which is the order they end in), and the late
/// object whose lines are being written. The lister hands objects out; the sequencer ends them
/// (as it ends them, so a run that stops right after still knows) and reports a late object's
/// lines; a checkpointer takes <see cref="Snapshot"/>s. Each on its own thread: every member
/// takes one lock.
/// </summary>
public sealed class FollowLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, KnownObject> _known = new(StringComparer.Ordinal);
    private readonly Queue<ObjectInfo> _handed = new();
    private readonly Dictionary<string, ObjectInfo> _inFlight = new(StringComparer.Ordinal);
    private PartialObject? _partial;
    private PartialObject? _resume;
    private long _version;

    /// <summary>A ledger for a new follow, or one resuming from <paramref name="saved"/>.</summary>
    public FollowLedger(FollowState? saved = null)
    {
        Resumed = saved is not null;
        foreach (var k in saved?.Known ?? []) _known[k.Key] = k;
        _resume = saved?.Partial;
    }

    /// <summary>
    /// True when it resumes a saved state: objects inside the look-back window that it does not
    /// know are late and get written. A new follow first takes what is already there before its
    /// starting key as done (a plain <c>KEY:LINE</c> bookmark resumes key order only).
    /// </summary>
    public bool Resumed { get; }

    /// <summary>Changes with every change a snapshot would show.</summary>
    public long Version { get { lock (_gate) return _version; } }

    /// <summary>Objects known done, inside the window.</summary>
    public int KnownCount { get { lock (_gate) return _known.Count; } }

    /// <summary>The late object a saved follow stopped in, once: the lister hands it out first.</summary>
    public PartialObject? TakeResume()
    {
        lock (_gate)
        {
            var resume = _resume;
            _resume = null;
            return resume;
        }
    }

    /// <summary>True when this object (same key and ETag) was handed out already, or is done with.</summary>
    public bool IsDone(ObjectInfo info)
    {
        lock (_gate)
            return (_known.TryGetValue(info.Key, out var k) && k.ETag == info.ETag)
                   || (_inFlight.TryGetValue(info.Key, out var f) && f.ETag == info.ETag);
    }

    /// <summary>The object goes to the pipeline; it ends in the order it was handed out.</summary>
    public void Handed(ObjectInfo info)
    {
        lock (_gate)
        {
            _handed.Enqueue(info);
            _inFlight[info.Key] = info;
            _version++;
        }
    }

    /// <summary>An object there before a new follow's start: done with, never written.</summary>
    public void PassedOver(ObjectInfo info)
    {
        lock (_gate) Remember(info);
    }

    /// <summary>
    /// The oldest object handed out ended: <paramref name="done"/> when every line of it went
    /// out (or it was skipped), false when the run stopped with some of it unwritten — then the
    /// next run finds it again (by key order, or as late).
    /// </summary>
    public void Ended(bool done)
    {
        lock (_gate)
        {
            if (!_handed.TryDequeue(out var info)) return;
            _inFlight.Remove(info.Key);
            if (!done) return;
            Remember(info);
            if (_partial?.Key == info.Key) _partial = null;
        }
    }

    /// <summary>A line of a late object went out (the sequencer calls this as the writer acknowledges).</summary>
    public void LateLineWritten(string key, long line)
    {
        lock (_gate)
        {
            if (!_inFlight.TryGetValue(key, out var info)) return;
            _partial = new PartialObject(key, info.ETag, info.Size, line);
            _version++;
        }
    }

    /// <summary>Drops what the look-back window no longer reaches: periods that ended at or before <paramref name="floor"/>.</summary>
    public void Forget(DateTime floor)
    {
        lock (_gate)
        {
            foreach (var key in _known.Where(k => k.Value.End is not { } end || end <= floor).Select(k => k.Key).ToList())
            {
                _known.Remove(key);
                _version++;
            }
        }
    }

    /// <summary>What to save for a restart, without what ended at or before <paramref name="floor"/>.</summary>
    public FollowState Snapshot(DateTime floor)
    {
        lock (_gate)
        {
            var known = _known.Values.Where(k => k.End > floor).OrderBy(k => k.Key, Utf8Order.Instance).ToList();
            return new FollowState(known, _partial ?? _resume);
        }
    }

    private void Remember(ObjectInfo info)
    {
        // A key without a time is never listed again by a look-back: key order covers it.
        if (KeyTime.PeriodOf(info.Key) is not { } period) return;
        _known[info.Key] = new KnownObject(info.Key, info.ETag, period.End);
        _version++;
    }
}
