using S3Tail.Storage;

namespace S3Tail.Listing;

/// <summary>
/// The ranges of a split listing, made and started in key order as the reader comes to them:
/// the one being read and at most <c>ahead</c> more are listed at a time, so the LISTs overlap
/// while the keys in memory stay bounded (ranges times their buffered pages). Each range begins
/// where the last one ended; the first begins after the first page.
///
/// <para>What a listed range learned shapes the next ones: no key lies between its end and the
/// first key past it, so a range made later starts at that gap's beginning and ends at the first
/// boundary past the gap (a quiet week costs one LIST, not one per range); when no key is past
/// it, no further range is made. The ranges run as tasks of their own and report their end here
/// (under a lock); everything else runs on the reader's side.</para>
/// </summary>
internal sealed class RangeSchedule
{
    private readonly KeyRanges _plan;
    private readonly PageSource _list;
    private readonly int _ahead, _bufferPages;
    private readonly CancellationToken _stopping;
    private readonly Queue<RangeFill> _started = new();
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();
    private string _from;            // where the next range begins: after the first page, then a boundary
    private bool _first = true, _done;
    private string? _knownNext;      // the greatest first-key-past-a-range reported (under _gate)
    private bool _over;              // a range found no key past it (under _gate)

    /// <param name="after">The first page's last key (or where it sought to): the first range starts after it.</param>
    public RangeSchedule(KeyRanges plan, PageSource list, string after, int ahead, int bufferPages, CancellationToken stopping)
    {
        (_plan, _list, _from, _ahead, _bufferPages, _stopping) = (plan, list, after, ahead, bufferPages, stopping);
        TopUp(ahead + 1);
    }

    /// <summary>The last range handed out: the open range after it starts with its remainder.</summary>
    public RangeFill? Last { get; private set; }

    /// <summary>The next range to read, in key order (the ones after it are started); null when there are no more.</summary>
    public RangeFill? Next()
    {
        if (!_started.TryDequeue(out var next)) return null;
        TopUp(_ahead);
        return Last = next;
    }

    /// <summary>Waits for every range's task (once stopped, they end at their next LIST or page).</summary>
    public Task StoppedAsync() => Task.WhenAll(_running);

    /// <summary>Makes and starts ranges until <paramref name="waiting"/> are started and not yet read.</summary>
    private void TopUp(int waiting)
    {
        while (!_done && _started.Count < waiting)
        {
            if (Make() is not { } fill)
            {
                _done = true;
                return;
            }
            _started.Enqueue(fill);
            _running.Add(Task.Run(() => fill.RunAsync(_list, Ended, _stopping), CancellationToken.None));
        }
    }

    private RangeFill? Make()
    {
        string? known;
        lock (_gate)
        {
            if (_over) return null;
            known = _knownNext;
        }
        // A range made later than the one that reported begins at or after that one's end.
        string gapEnd = known is not null && Utf8Order.Instance.Compare(known, _from) > 0 ? known : _from;
        if (_plan.After(gapEnd) is not { } upper) return null;
        var fill = _first ? new RangeFill(_from, null, upper, _bufferPages) : new RangeFill(_from[..^1], _from, upper, _bufferPages);
        (_from, _first) = (upper, false);
        return fill;
    }

    private void Ended(string? next, bool over)
    {
        lock (_gate)
        {
            _over |= over;
            if (next is not null && (_knownNext is null || Utf8Order.Instance.Compare(next, _knownNext) > 0)) _knownNext = next;
        }
    }
}
