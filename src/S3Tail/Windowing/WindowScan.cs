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
/// after it: the scan seeks past the stem (<see cref="KeyTime.Beyond"/>), to the next log source
/// or the next folder. When the seek lands inside the page in hand, the keys up to it are just
/// passed over; when it lands beyond, the next LIST starts there (StartAfter) instead of after
/// the page's last key. Among several times in one key (a date folder, then the name), the
/// outermost one wholly outside the window decides, so whole days are skipped at once.</para>
///
/// <para>Cost: a stem costs about one LIST to reach its window and one to leave it, plus one
/// per 1,000 keys inside the window, so a narrow window costs about two LISTs per stem,
/// whatever the number of days in the prefix. The scan assumes what AWS does: a key that
/// continues a time-named stem with digits is time-named too, and a date folder holds that
/// day's objects.</para>
///
/// <para>Counters may be read from any thread while the lister runs.</para>
/// </summary>
public sealed class WindowScan(TimeWindow window)
{
    private string? _skipThrough;   // keys up to and including this one are known to be outside
    private long _outside, _withoutTime;
    private string? _exampleWithoutTime;

    public TimeWindow Window { get; } = window;

    /// <summary>Listed keys left out because their time is outside the window.</summary>
    public long OutsideWindow => Interlocked.Read(ref _outside);

    /// <summary>Listed keys left out because their names carry no time.</summary>
    public long WithoutTime => Interlocked.Read(ref _withoutTime);

    /// <summary>The first listed key whose name carries no time (for the warning).</summary>
    public string? ExampleWithoutTime => Volatile.Read(ref _exampleWithoutTime);

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
                Interlocked.Increment(ref _outside);
                continue;
            }
            var marks = KeyTime.Marks(info.Key);
            if (marks.Count == 0)
            {
                Interlocked.Increment(ref _withoutTime);
                Interlocked.CompareExchange(ref _exampleWithoutTime, info.Key, null);
                continue;
            }
            var own = marks[^1];
            if (Window.Overlaps(own.Begin, own.End))
            {
                kept.Add(info);
                continue;
            }
            Interlocked.Increment(ref _outside);
            if (SeekFrom(info.Key, marks) is { } target && Utf8Order.Instance.Compare(target, info.Key) > 0)
                _skipThrough = target;
        }
        if (!page.IsTruncated || page.Objects.Count == 0) return (kept, null);
        string last = page.Objects[^1].Key;
        return (kept, _skipThrough is { } skip && Utf8Order.Instance.Compare(skip, last) > 0 ? skip : last);
    }

    /// <summary>
    /// The last key known to be outside the window, from a key outside it: through the rest of
    /// the stem when the key is after the window, up to the window's start when it is before.
    /// </summary>
    private string? SeekFrom(string key, IReadOnlyList<TimeMark> marks)
    {
        foreach (var mark in marks)
        {
            string stem = key[..mark.Start];
            if (Window.Until is { } until && mark.Begin >= until) return stem + KeyTime.Beyond(mark.Form);
            if (Window.Since is { } since && mark.End <= since)
            {
                // Every key of this stem before the period holding `since` is out. The text less its
                // last character is a prefix of that period's keys, so it sorts before all of them.
                string start = KeyTime.Format(mark.Form, since);
                return stem + start[..^1];
            }
        }
        return null;
    }
}
