namespace S3Tail.Pipeline;

/// <summary>
/// In a run over workers, how much each node may hold at once, so that shares follow what each
/// node is measured to do rather than how many slots it has. A node is this machine's
/// downloaders together (one link, one set of cores) or one worker. A plain type with no actor
/// in it; the run's <see cref="DispatcherActor"/> owns it.
///
/// Why: this machine has as many downloaders as the prefetch window, a worker 16 slots. Pulling
/// by free slots gave this machine most objects (64–68 of 96, all 12 of 12 large ones) while
/// the workers idled, so a run whose own link was the bound stayed at one node's speed.
///
/// The rule: a node may take an object when it holds nothing, or when what it holds plus the
/// object (stored bytes) fits in what it ends in <see cref="Horizon"/> at its measured rate
/// (stored bytes of the objects it ended, over the time it held at least one). A node slowed by
/// its link, its cores or its distance ends objects more slowly, so it holds less, and the
/// others take the rest. Until a node has ended its first object there is nothing to measure:
/// it may hold an even part of the window, at most <see cref="StartObjects"/>, so the first
/// node to ask cannot take a whole listing page while the others are still joining.
/// A rate measured while latency-bound grows by Horizon ÷ round trip each time (more in flight,
/// more ended per second), so a node on a fast link reaches what its link allows in a few rounds.
/// </summary>
internal sealed class NodeShares(Func<TimeSpan> clock)
{
    /// <summary>Each node holds about this much of its own measured work at once (1 s: many round trips of S3, few objects' worth of waiting at the sequencer).</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromSeconds(1);

    /// <summary>Objects an unmeasured node may hold, at most, when the run has several nodes.</summary>
    public const int StartObjects = 4;

    private readonly Dictionary<string, Node> _nodes = new();
    private readonly Dictionary<long, (string Node, long Size)> _held = new();

    /// <summary>Whether <paramref name="node"/> may take an object of <paramref name="size"/> stored bytes, with <paramref name="nodes"/> nodes in the run and a window of <paramref name="window"/>.</summary>
    public bool Admits(string node, long size, int nodes, int window)
    {
        var n = Of(node);
        if (n.Held == 0 || nodes <= 1) return true;   // a lone node has only the window to keep to
        if (n.DoneBytes == 0) return n.Held < Math.Max(1, Math.Min(StartObjects, window / nodes));
        return n.HeldBytes + size <= Rate(n) * Horizon.TotalSeconds;
    }

    /// <summary>Object <paramref name="seq"/> of <paramref name="size"/> stored bytes went to <paramref name="node"/>.</summary>
    public void Given(string node, long seq, long size)
    {
        var n = Of(node);
        if (n.Held == 0) n.BusySince = clock();
        n.Held++;
        n.HeldBytes += size;
        _held[seq] = (node, size);
    }

    /// <summary><paramref name="node"/> ended object <paramref name="seq"/> (fetched or failed): it counts in the node's rate.</summary>
    public void Ended(string node, long seq)
    {
        if (!Release(node, seq, out var n, out long size)) return;
        n.DoneBytes += size;
    }

    /// <summary>Object <paramref name="seq"/> came back unfetched (its holder is gone): it leaves the holder without counting.</summary>
    public void Returned(long seq)
    {
        if (_held.TryGetValue(seq, out var holder)) Release(holder.Node, seq, out _, out _);
    }

    /// <summary>Stored bytes a second <paramref name="node"/> ended while busy, or null before its first.</summary>
    public double? RateOf(string node) => _nodes.TryGetValue(node, out var n) && n.DoneBytes > 0 ? Rate(n) : null;

    private double Rate(Node n)
    {
        var busy = n.Busy + (n.Held > 0 ? clock() - n.BusySince : TimeSpan.Zero);
        return n.DoneBytes / Math.Max(busy.TotalSeconds, 0.001);
    }

    private bool Release(string node, long seq, out Node n, out long size)
    {
        n = Of(node);
        size = 0;
        if (!_held.TryGetValue(seq, out var holder) || holder.Node != node) return false;
        _held.Remove(seq);
        size = holder.Size;
        n.Held--;
        n.HeldBytes -= size;
        if (n.Held == 0) n.Busy += clock() - n.BusySince;
        return true;
    }

    private Node Of(string node) => _nodes.TryGetValue(node, out var n) ? n : _nodes[node] = new Node();

    private sealed class Node
    {
        public int Held;
        public long HeldBytes;
        public long DoneBytes;
        public TimeSpan Busy;
        public TimeSpan BusySince;
    }
}
