using S3Tail.Bookmarks;

namespace S3Tail.Pipeline;

/// <summary>
/// The ordering rules of the sequencer, as a plain type with no I/O and no actor: what may be
/// released, when an object is done, how much credit goes back to the lister, and where the
/// bookmark is. The sequencer feeds it events and does what it says; property tests drive it
/// through random interleavings.
///
/// An object (numbered by <c>Seq</c> from 0, in key order) goes through:
/// <code>
///   listed ──Arrive──▶ arrived ──TryRelease──▶ reading ──ReadCompleted──▶ draining ──last ack──▶ ended
///                                                 └────────Abandon (failed, skipped)─────────────┘
/// </code>
/// <list type="bullet">
/// <item>Objects are released strictly in Seq order, and only one is being read at a time; the
/// next may be released while the previous one's last batches are still being written.</item>
/// <item>An object ends once its reading is over (completed or abandoned) and every batch sent
/// from it is acknowledged; each object ends exactly once and gives back exactly one credit.</item>
/// <item>The bookmark moves only forward: to a later line of the same object, or into a later object.</item>
/// </list>
/// </summary>
internal sealed class ReorderWindow<TOutcome>(Bookmark? start = null) where TOutcome : class
{
    private readonly Dictionary<long, TOutcome> _arrived = new();
    private readonly Queue<Released> _released = new();   // released and not ended, in Seq order
    private readonly List<EndedObject> _ended = [];
    private long? _total;
    private long _bookmarkSeq = -1;

    /// <summary>The Seq of the next object to release.</summary>
    public long NextToRelease { get; private set; }

    /// <summary>Batches sent to the writer and not yet acknowledged, over all objects.</summary>
    public int BatchesInFlight { get; private set; }

    /// <summary>The last line known written (the run's start when nothing was).</summary>
    public Bookmark? Bookmark { get; private set; } = start;

    /// <summary>The object being read, if any.</summary>
    public long? Reading => _released.Count > 0 && !_released.Last().ReadOver ? _released.Last().Seq : null;

    /// <summary>True once the listing has ended and every listed object has ended.</summary>
    public bool AllEnded => _total is { } t && NextToRelease == t && _released.Count == 0;

    /// <summary>A fetch outcome arrived (in any order). Each Seq arrives once, before it is released.</summary>
    public void Arrive(long seq, TOutcome outcome)
    {
        if (seq < NextToRelease || (_total is { } t && seq >= t) || !_arrived.TryAdd(seq, outcome))
            throw new InvalidOperationException($"object {seq} arrived twice or out of range");
    }

    /// <summary>The listing ended after <paramref name="total"/> objects were handed out.</summary>
    public void ListingEnded(long total)
    {
        if (total < NextToRelease) throw new InvalidOperationException("the listing ended before objects already released");
        _total = total;
    }

    /// <summary>Releases the next object when it has arrived and no other object is being read.</summary>
    public bool TryRelease(out long seq, out TOutcome outcome)
    {
        seq = NextToRelease;
        if (Reading is not null || !_arrived.Remove(seq, out outcome!)) { outcome = null!; return false; }
        NextToRelease++;
        _released.Enqueue(new Released(seq));
        return true;
    }

    /// <summary>A batch of the object being read went to the writer.</summary>
    public void BatchSent(long seq)
    {
        var r = Find(seq);
        if (r.ReadOver) throw new InvalidOperationException($"object {seq} sent a batch after its reading was over");
        r.Outstanding++;
        BatchesInFlight++;
    }

    /// <summary>
    /// The writer acknowledged a batch of <paramref name="seq"/>; <paramref name="lastLine"/> is
    /// the last line it completed (null: none). Returns true when the bookmark moved.
    /// </summary>
    public bool BatchAcknowledged(long seq, string key, long? lastLine)
    {
        var r = Find(seq);
        if (r.Outstanding == 0) throw new InvalidOperationException($"object {seq} had no batch in flight");
        r.Outstanding--;
        BatchesInFlight--;
        bool moved = false;
        if (lastLine is { } line && (seq > _bookmarkSeq || (seq == _bookmarkSeq && line > Bookmark!.Line)))
        {
            Bookmark = new Bookmark(key, line);
            _bookmarkSeq = seq;
            moved = true;
        }
        EndDrained();
        return moved;
    }

    /// <summary>The object being read has no more batches.</summary>
    public void ReadCompleted(long seq) => EndReading(seq, skipped: false);

    /// <summary>The object cannot be read (further): it ends, skipped, once its batches in flight are acknowledged.</summary>
    public void Abandon(long seq) => EndReading(seq, skipped: true);

    /// <summary>Objects that ended since the last call, in Seq order: one credit each.</summary>
    public IReadOnlyList<EndedObject> TakeEnded()
    {
        if (_ended.Count == 0) return [];
        var ended = _ended.ToList();
        _ended.Clear();
        return ended;
    }

    /// <summary>Outcomes that arrived and will not be released (the run is ending), for cleanup.</summary>
    public IReadOnlyList<TOutcome> DrainArrived()
    {
        var outcomes = _arrived.Values.ToList();
        _arrived.Clear();
        return outcomes;
    }

    private void EndReading(long seq, bool skipped)
    {
        var r = Find(seq);
        if (r.ReadOver) throw new InvalidOperationException($"object {seq}'s reading ended twice");
        r.ReadOver = true;
        r.Skipped = skipped;
        EndDrained();
    }

    private void EndDrained()
    {
        while (_released.TryPeek(out var head) && head.ReadOver && head.Outstanding == 0)
        {
            _released.Dequeue();
            _ended.Add(new EndedObject(head.Seq, head.Skipped));
        }
    }

    private Released Find(long seq)
    {
        foreach (var r in _released)
            if (r.Seq == seq) return r;
        throw new InvalidOperationException($"object {seq} is not released or has ended");
    }

    private sealed class Released(long seq)
    {
        public long Seq { get; } = seq;
        public int Outstanding { get; set; }
        public bool ReadOver { get; set; }
        public bool Skipped { get; set; }
    }
}

/// <summary>An object that ended: written out, or skipped.</summary>
internal readonly record struct EndedObject(long Seq, bool Skipped);
