using S3Tail.Storage;

namespace S3Tail.Windowing;

/// <summary>
/// Picks the keys of a <see cref="TimeWindow"/> out of a listing, page by page, and says where
/// the next LIST should start so that the listing skips what cannot match.
///
/// <para>Log keys are runs of time-named keys after a common stem (<c>logs/web-</c> followed by
/// <c>2016-09-11-14-…</c>; <c>…/elasticloadbalancing/us-east-1/</c> followed by
/// <c>2016/09/11/…</c>), and within a stem key order is time order (<see cref="KeyTime"/>). So a
/// key before the window means every key of its stem up to the window's start is before it too:
/// the scan seeks to <c>stem + start</c>. A key after the window means the rest of its stem is
/// after it: the scan seeks past the stem's keys of that layout (<see cref="KeyTime.LayoutEnd"/>),
/// to the next log source, the next folder or another layout under the same prefix (date folders
/// <c>logs/2016/…</c> sort among access logs <c>logs/2016-…</c> and <c>logs/2017-…</c>): a seek
/// never leaves the keys of the layout it starts from. When the seek lands inside the page in
/// hand, the keys up to it are just passed over; when it lands beyond, the next LIST starts there
/// (StartAfter) instead of after the page's last key. Among several times in one key (a date
/// folder, then the name), the one that reaches furthest decides, so whole days are skipped at
/// once.</para>
///
/// <para>Cost: a stem costs about one LIST to reach its window and one to leave it, plus one
/// per 1,000 keys inside the window, plus one per year (an hour for hour folders) that a seek
/// cannot cross, so a narrow window costs a few LISTs per stem, whatever the number of days in
/// the prefix. The scan assumes what AWS does: a key that continues a stem with the opening of a
/// layout's time (the year and the character after it) is of that layout, and a date folder
/// holds that day's objects (a name right under it may be the next day's: S3's partitioned
/// logs name an object by its delivery and file it by its events).</para>
///
/// <para>A scan has one owner (the listing's window stage): it is not safe to share.</para>
/// </summary>
internal sealed class WindowScan(TimeWindow window)
{
    private string? _skipThrough;   // keys up to and including this one are known to be outside
    private long _outside, _withoutTime;
    private string? _exampleWithoutTime;

    public TimeWindow Window { get; } = window;

    /// <summary>Listed keys left out because their time is outside the window.</summary>
    public long OutsideWindow => _outside;

    /// <summary>Listed keys left out because their names carry no time.</summary>
    public long WithoutTime => _withoutTime;

    /// <summary>The first listed key whose name carries no time (for the warning).</summary>
    public string? ExampleWithoutTime => _exampleWithoutTime;

    /// <summary>The counts so far, as a value another actor may be told.</summary>
    internal WindowCounts Counts => new(_outside, _withoutTime, _exampleWithoutTime);

    /// <summary>
    /// The page's keys inside the window, and where the listing goes on: after this key (a seek
    /// when it is past the page's last key), or null when the listing is over.
    /// </summary>
    public (List<ObjectInfo> InWindow, string? NextStartAfter) Take(ListPage page)
    {
        var kept = new List<ObjectInfo>();
        foreach (var info in page.Objects)
        {
            if (_skipThrough is not null && Utf8Order.Instance.Compare(info.Key, _skipThrough) <= 0)
            {
                _outside++;
                continue;
            }
            var marks = KeyTime.Marks(info.Key);
            if (marks.Count == 0)
            {
                _withoutTime++;
                _exampleWithoutTime ??= info.Key;
                continue;
            }
            var own = marks[^1];
            if (Window.Overlaps(own.Begin, own.End))
            {
                kept.Add(info);
                continue;
            }
            _outside++;
            if (SeekFrom(info.Key, marks) is { } target && Utf8Order.Instance.Compare(target, info.Key) > 0)
                _skipThrough = target;
        }
        if (!page.IsTruncated || page.Objects.Count == 0) return (kept, null);
        string last = page.Objects[^1].Key;
        return (kept, _skipThrough is { } skip && Utf8Order.Instance.Compare(skip, last) > 0 ? skip : last);
    }

    /// <summary>
    /// The last key known to be outside the window, from a key outside it; null when none is past
    /// the key. Each of the key's times gives a bound (the greatest is taken): through the rest of
    /// its stem's keys of its layout when the time is after the window, up to the window's start
    /// when it is before, never past the keys of its layout (<see cref="KeyTime.LayoutEnd"/>):
    /// under one prefix, keys of other layouts sort between those of one layout.
    /// </summary>
    private string? SeekFrom(string key, IReadOnlyList<TimeMark> marks)
    {
        string? target = null;
        for (int i = 0; i < marks.Count; i++)
        {
            if (Bound(key, marks, i) is { } bound && (target is null || Utf8Order.Instance.Compare(bound, target) > 0))
                target = bound;
        }
        return target;
    }

    private string? Bound(string key, IReadOnlyList<TimeMark> marks, int index)
    {
        var mark = marks[index];
        string layoutEnd = KeyTime.LayoutEnd(key, mark);
        if (Window.Until is { } until && mark.Begin >= until) return layoutEnd;
        if (Window.Since is not { } since) return null;
        // S3's partitioned logs file an object under the day of its events and name it by its
        // delivery, which can fall on the next day: the day folder right above a name is given a day.
        if (index == marks.Count - 2 && mark.Form is TimeForm.DateFolder or TimeForm.HiveDay
            && marks[^1].Form is TimeForm.AccessLog or TimeForm.LoadBalancer or TimeForm.CloudFront)
            since = since > DateTime.MinValue.AddDays(1) ? since.AddDays(-1) : DateTime.MinValue;
        if (mark.End > since) return null;
        // Every key of this stem and layout before the period holding `since` is out. The text less
        // its last character is a prefix of that period's keys, so it sorts before all of them.
        string start = key[..mark.Start] + KeyTime.Format(mark.Form, since)[..^1];
        return Utf8Order.Instance.Compare(start, layoutEnd) < 0 ? start : layoutEnd;
    }
}
