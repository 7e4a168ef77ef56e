namespace S3Tail.Decoding;

/// <summary>
/// Which source line each kept line of a filtered object was: runs of consecutive source lines
/// (kept line <c>k</c> of a run starting at kept line <c>K</c> and source line <c>S</c> is
/// source line <c>S + k − K</c>). A filter that keeps most lines (<c>-v</c>) or few makes few
/// runs, so the map stays small either way.
/// </summary>
internal sealed class LineMap
{
    private readonly List<(long Kept, long Source, long Count)> _runs = [];

    /// <summary>Kept lines mapped so far.</summary>
    public long KeptCount { get; private set; }

    /// <summary>The next kept line is source line <paramref name="source"/>.</summary>
    public void Add(long source)
    {
        KeptCount++;
        if (_runs.Count > 0 && _runs[^1] is var last && last.Source + last.Count == source && last.Kept + last.Count == KeptCount)
            _runs[^1] = last with { Count = last.Count + 1 };
        else
            _runs.Add((KeptCount, source, 1));
    }

    /// <summary>The map as runs of (kept line, source line, count), three numbers a run: what travels from a worker.</summary>
    public long[] ToRuns() => _runs.SelectMany(r => new[] { r.Kept, r.Source, r.Count }).ToArray();

    /// <summary>The map <see cref="ToRuns"/> gave.</summary>
    public static LineMap FromRuns(long[] runs)
    {
        if (runs.Length % 3 != 0) throw new ArgumentException("a line map's runs come in threes", nameof(runs));
        var map = new LineMap();
        for (int i = 0; i < runs.Length; i += 3)
        {
            map._runs.Add((runs[i], runs[i + 1], runs[i + 2]));
            map.KeptCount = runs[i] + runs[i + 2] - 1;
        }
        return map;
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
