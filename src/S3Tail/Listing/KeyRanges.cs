using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Listing;

/// <summary>
/// Where a split listing (<see cref="SplitPaging"/>) cuts the keys under a prefix: boundaries
/// <c>stem + time</c>, the time written as the keys' layout writes it (<see cref="KeyTime.Format"/>),
/// one every <see cref="Step"/> from the first page's last key to the end of the span (the
/// window's end, else now). A boundary is the opening of the keys of its stem and layout at that
/// time, so those keys fall between the boundaries in time order; and since ranges are cut by
/// plain key order, any other key (another layout, another stem, no time at all) still falls in
/// exactly one range. The layout only decides how even the ranges are, never which keys are listed.
///
/// <para>The step is sized from the first page: the time its keys of the layout span, per key,
/// times the keys of <see cref="PagesPerRange"/> pages, so a range costs about that many LISTs
/// (plus the one that finds its end), and never finer than the layout's own unit (a second for
/// access logs, a day for date folders).</para>
/// </summary>
internal sealed class KeyRanges
{
    /// <summary>Pages of keys a range is sized to hold (its LISTs then run one after another).</summary>
    public const int PagesPerRange = 3;

    private readonly string _stem;
    private readonly TimeForm _form;
    private readonly DateTime _origin;   // aligned to the layout's unit; boundary k is at origin + k·step
    private readonly long _count;        // boundaries 1..count; the last is at or after the span's end

    private KeyRanges(string stem, TimeForm form, DateTime origin, TimeSpan step, long count)
    {
        (_stem, _form, _origin, Step, _count) = (stem, form, origin, step, count);
    }

    /// <summary>The time between two boundaries (a whole number of the layout's units).</summary>
    public TimeSpan Step { get; }

    /// <summary>How many boundaries there are (the last range past them is listed on as ever).</summary>
    public long Count => _count;

    /// <summary>Boundary <paramref name="k"/> (1-based), a key prefix of the layout.</summary>
    public string Bound(long k) => _stem + KeyTime.Format(_form, _origin + Step * k);

    /// <summary>The first boundary that sorts after <paramref name="key"/>; null when none is left.</summary>
    public string? After(string key)
    {
        // Boundaries grow in key order (fixed-width, big-endian times after one stem): bisect.
        long lo = 1, hi = _count + 1;
        while (lo < hi)
        {
            long mid = lo + (hi - lo) / 2;
            if (Utf8Order.Instance.Compare(Bound(mid), key) > 0) hi = mid;
            else lo = mid + 1;
        }
        return lo <= _count ? Bound(lo) : null;
    }

    /// <summary>
    /// The ranges for a listing whose first LIST answered <paramref name="first"/>: null (list on
    /// page after page) unless the answer is full, at least half of it is keys of one stem and
    /// layout ending with its last key, and the span from that key's time (or the window's start)
    /// to <paramref name="now"/> (or the window's end) holds two boundaries or more.
    /// </summary>
    public static KeyRanges? Plan(ListPage first, TimeWindow? window, DateTime now)
    {
        var keys = first.Objects;
        if (!first.IsTruncated || keys.Count < 2) return null;
        var marks = KeyTime.Marks(keys[^1].Key);
        if (marks.Count == 0) return null;
        // The outermost time: the day folder of ALB logs, the name's own time of access logs.
        var last = marks[0];
        string stem = keys[^1].Key[..last.Start];
        int firstOfLayout = -1;
        DateTime firstTime = default;
        for (int i = 0; i < keys.Count / 2 + 1 && firstOfLayout < 0; i++)
        {
            if (!keys[i].Key.StartsWith(stem, StringComparison.Ordinal) || KeyTime.Marks(keys[i].Key) is not { Count: > 0 } m
                || m[0].Start != last.Start || m[0].Form != last.Form) continue;
            (firstOfLayout, firstTime) = (i, m[0].Begin);
        }
        if (firstOfLayout < 0) return null;

        long unit = (last.End - last.Begin).Ticks;
        double perKey = (last.Begin - firstTime).Ticks / (double)Math.Max(1, keys.Count - 1 - firstOfLayout);
        long step = Math.Max(unit, (long)Math.Ceiling(perKey * keys.Count * PagesPerRange / unit) * unit);
        var start = window?.Since is { } since && since > last.Begin ? since : last.Begin;
        var end = window?.Until is { } until && until < now ? until : now;
        var origin = new DateTime(start.Ticks - start.Ticks % unit, DateTimeKind.Utc);
        if (end <= origin) return null;
        long count = (end - origin).Ticks / step + 1;   // the last boundary is at or after the end
        return count < 2 ? null : new KeyRanges(stem, last.Form, origin, TimeSpan.FromTicks(step), count);
    }
}
