using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Benchmarks;

/// <summary>
/// How many LIST requests a --since/--until window costs as the log sources under a prefix and
/// the window grow: the lister's WindowScan over an in-process listing of 1,000-key pages, 30 days
/// of access-log keys per source (one every 9.6 minutes).
/// </summary>
public static class ListingRunner
{
    public static int Run()
    {
        var day0 = new DateTime(2016, 9, 1, 0, 0, 0, DateTimeKind.Utc);
        Console.WriteLine("LIST requests for a window of 1 h, 2 h, 24 h and 120 h, 1,000-key pages:");
        Console.WriteLine("sources    keys (pages)     1 h   2 h  24 h 120 h");
        foreach (int sources in new[] { 1, 2, 4, 16 })
        {
            var keys = (from s in Enumerable.Range(0, sources)
                        from i in Enumerable.Range(0, 30 * 150)
                        select $"logs/s{s:D2}-{KeyTime.Format(TimeForm.AccessLog, day0.AddSeconds(i * 576))}-X")
                .Order(Utf8Order.Instance).ToList();
            var counts = new[] { 1, 2, 24, 120 }.Select(hours =>
                Lists(keys, new TimeWindow(day0.AddDays(17).AddHours(9), day0.AddDays(17).AddHours(9 + hours))));
            Console.WriteLine($"{sources,7}  {keys.Count,7} ({(keys.Count + 999) / 1000,3})  " + string.Concat(counts.Select(c => $"{c,6}")));
        }
        return 0;
    }

    private static int Lists(List<string> keys, TimeWindow window)
    {
        var scan = new WindowScan(window);
        string? after = null;
        int lists = 0;
        do
        {
            int start = after is null ? 0 : keys.FindIndex(k => Utf8Order.Instance.Compare(k, after) > 0);
            if (start < 0) start = keys.Count;
            var page = keys.Skip(start).Take(1001).Select(k => new ObjectInfo(k, "e", 1)).ToList();
            lists++;
            (_, after) = scan.Take(new ListPage(page.Take(1000).ToList(), page.Count > 1000));
        } while (after is not null);
        return lists;
    }
}
