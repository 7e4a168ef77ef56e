using System.Diagnostics.CodeAnalysis;

namespace S3Tail.Pipeline;

/// <summary>
/// Who holds which piece of work in a run — this machine's downloaders and any workers alike —
/// as a plain type with no I/O and no actor: the run's dispatcher feeds it events and does what
/// it says, and property tests drive it through random interleavings. Akka.NET has no ready
/// work-pulling delivery; this is the whole of the protocol's state.
///
/// <list type="bullet">
/// <item>Work arrives in sequence order (<see cref="Add"/>) and waits until a worker asks.</item>
/// <item>A worker pulls (<see cref="Take"/>): it gets the lowest waiting sequence numbers, so
/// the sequencer's next object is never stuck behind later ones.</item>
/// <item>A result counts only from the worker that holds that piece now (<see cref="Complete"/>):
/// a worker that was given up for lost and answers late is ignored, so no piece is written twice.</item>
/// <item>A worker that dies or leaves (<see cref="Lost"/>) gives back everything it held; those
/// pieces go to the front of the queue, to be taken by whoever asks next — the run's own
/// downloaders included, so a run whose workers are all gone still finishes. A downloader that
/// stops is lost the same way.</item>
/// </list>
/// Every piece added is completed exactly once, whatever the order of events.
/// </summary>
internal sealed class WorkLedger<TWork>
{
    private readonly SortedDictionary<long, TWork> _waiting = new();
    private readonly Dictionary<long, (string Worker, TWork Piece)> _held = new();
    private readonly Dictionary<string, SortedSet<long>> _byWorker = new();

    /// <summary>Pieces waiting for a worker to ask.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Pieces given out and not yet completed.</summary>
    public int Held => _held.Count;

    /// <summary>The pieces <paramref name="worker"/> holds now, in sequence order.</summary>
    public IReadOnlyCollection<long> HeldBy(string worker) =>
        _byWorker.TryGetValue(worker, out var seqs) ? seqs : [];

    /// <summary>The lowest waiting piece, which <see cref="Take"/> would give next.</summary>
    public bool TryPeek([MaybeNullWhen(false)] out TWork work)
    {
        work = default;
        if (_waiting.Count == 0) return false;
        work = _waiting.First().Value;
        return true;
    }

    /// <summary>New work, numbered <paramref name="seq"/> (each number once).</summary>
    public void Add(long seq, TWork work)
    {
        if (_held.ContainsKey(seq) || !_waiting.TryAdd(seq, work))
            throw new InvalidOperationException($"piece {seq} was added twice");
    }

    /// <summary>Gives <paramref name="worker"/> up to <paramref name="count"/> waiting pieces, lowest first.</summary>
    public IReadOnlyList<(long Seq, TWork Piece)> Take(string worker, int count)
    {
        var taken = new List<(long, TWork)>(Math.Min(count, _waiting.Count));
        while (taken.Count < count && _waiting.Count > 0)
        {
            var (seq, work) = _waiting.First();
            _waiting.Remove(seq);
            _held[seq] = (worker, work);
            (_byWorker.TryGetValue(worker, out var seqs) ? seqs : _byWorker[worker] = []).Add(seq);
            taken.Add((seq, work));
        }
        return taken;
    }

    /// <summary>
    /// <paramref name="worker"/> finished <paramref name="seq"/>: true when that counts (it holds
    /// the piece now), false for a stale answer (the piece went to someone else, or is done).
    /// </summary>
    public bool Complete(string worker, long seq) => Complete(worker, seq, out _);

    /// <summary>As <see cref="Complete(string, long)"/>, giving the piece's work when it counts.</summary>
    public bool Complete(string worker, long seq, [MaybeNullWhen(false)] out TWork work)
    {
        if (!Holds(worker, seq, out work)) return false;
        _held.Remove(seq);
        _byWorker[worker].Remove(seq);
        return true;
    }

    /// <summary>Whether <paramref name="worker"/> holds <paramref name="seq"/> now, and its work if so.</summary>
    public bool Holds(string worker, long seq, [MaybeNullWhen(false)] out TWork work)
    {
        work = default;
        if (!_held.TryGetValue(seq, out var holder) || holder.Worker != worker) return false;
        work = holder.Piece;
        return true;
    }

    /// <summary>
    /// <paramref name="worker"/> is gone: what it held waits again, and is returned (in sequence
    /// order) so the caller can say what moved.
    /// </summary>
    public IReadOnlyList<long> Lost(string worker)
    {
        if (!_byWorker.Remove(worker, out var seqs)) return [];
        foreach (long seq in seqs)
        {
            _waiting.Add(seq, _held[seq].Piece);
            _held.Remove(seq);
        }
        return [.. seqs];
    }
}
