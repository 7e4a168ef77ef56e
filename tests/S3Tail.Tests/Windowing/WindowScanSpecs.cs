using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Windowing;

namespace S3Tail.Tests.Windowing;

public sealed class WindowScanSpecs
{
    private static readonly DateTime Day0 = new(2016, 9, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>30 days of access logs from two sources, 150 objects a day each: 9,000 keys.</summary>
    private static List<string> ThirtyDaysOfTwoSources() =>
        (from source in new[] { "logs/api-", "logs/web-" }
         from i in Enumerable.Range(0, 30 * 150)
         select $"{source}{KeyTime.Format(TimeForm.AccessLog, Day0.AddSeconds(i * 576))}-{i:X16}").ToList();

    /// <summary>Runs a listing through the scan as the lister does: the keys read and the LISTs it cost.</summary>
    private static async Task<(List<string> Keys, int Lists)> Scan(IEnumerable<string> keys, TimeWindow window, int pageSize = 1000)
    {
        using var source = new MemorySource(keys.Select(k => (k, Array.Empty<byte>())));
        var scan = new WindowScan(window);
        var read = new List<string>();
        string? after = null;
        int lists = 0;
        do
        {
            var page = await source.ListAsync("", after, pageSize, CancellationToken.None);
            lists++;
            var (inWindow, next) = scan.Take(page);
            read.AddRange(inWindow.Select(o => o.Key));
            after = next;
        } while (after is not null);
        return (read, lists);
    }

    private static List<string> Expected(IEnumerable<string> keys, TimeWindow window) =>
        keys.Where(k => KeyTime.PeriodOf(k) is { } p && window.Overlaps(p.Begin, p.End))
            .Order(Utf8Order.Instance).ToList();

    [Fact]
    public async Task Should_read_a_two_hour_window_of_thirty_days_from_two_sources_in_at_most_five_LISTs()
    {
        var keys = ThirtyDaysOfTwoSources();
        var window = new TimeWindow(Day0.AddDays(17).AddHours(9), Day0.AddDays(17).AddHours(11));

        var (read, lists) = await Scan(keys, window);

        Assert.Equal(Expected(keys, window), read);
        Assert.Equal(24, read.Count);   // 12 a source: 09:07:12 .. 10:52:48, every 9.6 minutes
        Assert.True(lists <= 5, $"{lists} LISTs");
        Assert.Equal(9, (await Scan(keys, new TimeWindow(null, null))).Lists);   // the whole prefix: 9 pages
    }

    [Fact]
    public async Task Should_count_what_it_left_out_and_name_a_key_without_a_time()
    {
        var keys = new[] { "a/readme.txt", "logs/web-2016-09-01-00-00-00-A", "logs/web-2016-09-02-00-00-00-A", "z.txt" };
        var scan = new WindowScan(new TimeWindow(Day0.AddDays(1), null));
        using var source = new MemorySource(keys.Select(k => (k, Array.Empty<byte>())));

        var (inWindow, next) = scan.Take(await source.ListAsync("", null, 1000, CancellationToken.None));

        Assert.Equal(["logs/web-2016-09-02-00-00-00-A"], inWindow.Select(o => o.Key));
        Assert.Null(next);
        Assert.Equal(1, scan.OutsideWindow);
        Assert.Equal(2, scan.WithoutTime);
        Assert.Equal("a/readme.txt", scan.ExampleWithoutTime);
    }

    /// <summary>Keys of every layout from several sources over ten days, and keys with no time.</summary>
    private static List<string> MixedLayouts(Random random)
    {
        var keys = new HashSet<string>();
        for (int i = 0; i < random.Next(50, 400); i++)
        {
            var t = Day0.AddSeconds(random.Next(0, 10 * 86400));
            string unique = random.Next().ToString("X8");
            string day = KeyTime.Format(TimeForm.DateFolder, t);
            keys.Add(random.Next(9) switch
            {
                0 => $"logs/web-{KeyTime.Format(TimeForm.AccessLog, t)}-{unique}",
                1 => $"logs/web2-{KeyTime.Format(TimeForm.AccessLog, t)}-{unique}",
                2 => $"logs/{KeyTime.Format(TimeForm.AccessLog, t)}-{unique}",
                3 => $"AWSLogs/1/elasticloadbalancing/r/{day}1_elasticloadbalancing_r_app.lb{random.Next(2)}.x_{KeyTime.Format(TimeForm.LoadBalancer, t)}_10.0.0.1_{unique}.log.gz",
                4 => $"AWSLogs/1/CloudTrail/r/{day}1_CloudTrail_r_{KeyTime.Format(TimeForm.LoadBalancer, t)}_{unique}.json.gz",
                5 => $"cf/E{random.Next(3)}.{KeyTime.Format(TimeForm.CloudFront, t)}.{unique}.gz",
                6 => $"app/{(random.Next(2) == 0 ? day : day + KeyTime.Format(TimeForm.HourFolder, t))}server-{random.Next(3)}.log",
                7 => $"tbl/{(random.Next(2) == 0 ? KeyTime.Format(TimeForm.HiveDay, t) : KeyTime.Format(TimeForm.HiveDay, t) + KeyTime.Format(TimeForm.HiveHour, t))}part-{unique}",
                _ => random.Next(3) == 0 ? $"logs/notes-{unique}.txt" : $"app/README-{unique}",
            });
        }
        return keys.ToList();
    }

    private static DateTime? SomeTime(Random random) =>
        random.Next(4) == 0 ? null : Day0.AddSeconds(random.Next(-86400, 11 * 86400) / (random.Next(3) == 0 ? 3600 : 1) * (random.Next(3) == 0 ? 3600 : 1));

    [Fact]
    public async Task Should_read_exactly_the_keys_that_overlap_the_window_whatever_the_layouts_windows_and_page_sizes()
    {
        for (int seed = 0; seed < 400; seed++)
        {
            var random = new Random(seed);
            var keys = MixedLayouts(random);
            DateTime? since = SomeTime(random), until = SomeTime(random);
            if (since >= until) (since, until) = (until, since);
            if (since == until) until = null;
            var window = new TimeWindow(since, until);

            var (read, _) = await Scan(keys, window, pageSize: random.Next(1, 60));

            var expected = Expected(keys, window);
            Assert.True(expected.SequenceEqual(read),
                $"seed {seed}, window {window}: missing {string.Join(", ", expected.Except(read).Take(3))}; extra {string.Join(", ", read.Except(expected).Take(3))}");
        }
    }

    [Fact]
    public async Task Should_cost_about_two_LISTs_a_source_for_a_narrow_window_whatever_the_days_listed()
    {
        var window = new TimeWindow(Day0.AddDays(5).AddHours(3), Day0.AddDays(5).AddHours(4));
        foreach (int sources in new[] { 1, 4, 16 })
        {
            var keys = (from s in Enumerable.Range(0, sources)
                        from i in Enumerable.Range(0, 10 * 144)   // 10 days, every 10 minutes
                        select $"logs/s{s:D2}-{KeyTime.Format(TimeForm.AccessLog, Day0.AddMinutes(i * 10))}-X").ToList();
            var (read, lists) = await Scan(keys, window);
            Assert.Equal(Expected(keys, window), read);
            Assert.True(lists <= 2 * sources + 1, $"{sources} sources: {lists} LISTs");
        }
    }
}
