namespace S3Tail.Filtering;

/// <summary>
/// Which source line each kept line of a filtered object was: runs of consecutive source lines
/// (kept line <c>k</c> of a run starting at kept line <c>K</c> and source line <c>S</c> is
/// source line <c>S + k − K</c>). A filter that keeps most lines (<c>-v</c>) or few makes few
/// runs, so the map stays small either way.
/// </summary>
public sealed class LineMap
{
    private readonly List<(long Kept, long Source, long Count)> _runs = [];

    /// <summary>Kept lines mapped so far.</summary>
    public long KeptLines { get; private set; }

    /// <summary>The next kept line is source line <paramref name="source"/>.</summary>
    public void Add(long source)
    {
        KeptLines++;
        if (_runs.Count > 0 && _runs[^1] is var last && last.Source + last.Count == source && last.Kept + last.Count == KeptLines)
            _runs[^1] = last with { Count = last.Count + 1 };
        else
            _runs.Add((KeptLines, source, 1));
    }

    /// <summary>The source line of kept line <paramref name="kept"/> (1-based).</summary>
    public long SourceLine(long kept)
    {
        int lo = 0, hi = _runs.Count - 1;
        while (lo < hi)
        {
            int mid = (lo + hi + 1) / 2;
            if (_runs[mid].Kept <= kept) lo = mid;
            else hi = mid - 1;
        }
        var run = _runs[lo];
        return run.Source + (kept - run.Kept);
    }
}
