using System.Globalization;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using S3Tail.Windowing;

namespace S3Tail.Tests.Windowing;

/// <summary>
/// Every layout of design §10 interleaved under one prefix, as AWS writes them when a user points
/// several log sources (or a new logging format) at the same destination. The scan, seeks and all,
/// must pick exactly what a plain filter over the whole listing picks. The reference here knows
/// each key's period from how the key was made, not from <see cref="KeyTime"/>.
/// </summary>
public sealed class MixedLayoutSpecs
{
    /// <summary>Around a year's turn, so that seeks meet keys of several years.</summary>
    private static readonly DateTime Day0 = new(2015, 12, 27, 0, 0, 0, DateTimeKind.Utc);
    private const int Days = 10;

    private static string F(DateTime t, string format) => t.ToString(format, CultureInfo.InvariantCulture);
    private static string Access(DateTime t) => F(t, "yyyy-MM-dd-HH-mm-ss");
    private static string Minute(DateTime t) => F(t, "yyyyMMdd'T'HHmm'Z'");
    private static string Day(DateTime t) => F(t, "yyyy'/'MM'/'dd");

    /// <summary>A key of a random layout, all under <c>logs/</c>, and the period [Begin, End) its name gives; null for a key without a time.</summary>
    private static (string Key, (DateTime Begin, DateTime End)? Period) OneKey(Random random)
    {
        var t = Day0.AddSeconds(random.Next(0, Days * 86400));
        var second = (t, t.AddSeconds(1));
        var minute = (t.AddSeconds(-t.Second), t.AddSeconds(60 - t.Second));
        var hour = (t.Date.AddHours(t.Hour), t.Date.AddHours(t.Hour + 1));
        var day = (t.Date, t.Date.AddDays(1));
        string u = random.Next().ToString("X8", CultureInfo.InvariantCulture);
        // S3's partitioned layout: the folder is the event's day, the name the delivery (up to a few hours later).
        var delivered = t.AddSeconds(random.Next(0, 4 * 3600));
        string account = random.Next(3) switch { 0 => "987654321098", 1 => "201512281234", _ => "201601011234" };
        return random.Next(18) switch
        {
            0 => ($"logs/{Access(t)}-{u}", second),                                   // simple prefix access logs
            1 => ($"logs/web-{Access(t)}-{u}", second),
            2 => ($"logs/{Day(t)}/app-{random.Next(3)}.log", day),                    // date folders
            3 => ($"logs/{Day(t)}/{F(t, "HH")}/app.log", hour),                        // hour folders (Firehose)
            4 => ($"logs/{Day(t)}/{F(t, "HH")}/stream-1-{Access(t)}-{u}", second),
            5 => ($"logs/{account}/us-east-1/src/{Day(t)}/{Access(delivered)}-{u}", (delivered, delivered.AddSeconds(1))),
            6 => ($"logs/AWSLogs/{account}/elasticloadbalancing/us-east-1/{Day(t)}/{account}_elasticloadbalancing_us-east-1_app.web.{u}_{Minute(t)}_10.0.0.1_{u}.log.gz", minute),
            7 => ($"logs/AWSLogs/{account}/CloudTrail/us-east-1/{Day(t)}/{account}_CloudTrail_us-east-1_{Minute(t)}_{u}.json.gz", minute),
            8 => ($"logs/{account}_elasticloadbalancing_us-east-1_app.web_{Minute(t)}_10.0.0.1_{u}.log.gz", minute),
            9 => ($"logs/E2EXAMPLE.{F(t, "yyyy-MM-dd-HH")}.{u}.gz", hour),           // CloudFront
            10 => ($"logs/E2EXAMPLE.{Access(t)}-{u}", second),                        // an access log sharing CloudFront's stem
            11 => ($"logs/x_{Access(t)}-{u}", second),                                // ... and one sharing a load balancer's
            12 => ($"logs/x_{Minute(t)}_{u}.log", minute),
            13 => ($"logs/year={t:yyyy}/month={t:MM}/day={t:dd}/part-{u}", day),    // Hive
            14 => ($"logs/year={t:yyyy}/month={t:MM}/day={t:dd}/hour={t:HH}/part-{u}", hour),
            15 => (random.Next(3) switch { 0 => $"logs/{t:yyyy}-notes-{u}.txt", 1 => $"logs/README-{u}", _ => $"logs/{account}/README" }, null),
            // Folders that begin like a layout's time and hold another layout.
            16 => ($"logs/{t:yyyy}-archive/{Day(t)}/app.log", day),
            _ => ($"logs/{t:yyyy}/misc/{Access(t)}-{u}", second),
        };
    }

    private static DateTime? SomeTime(Random random) => random.Next(5) switch
    {
        0 => null,
        1 => Day0.AddDays(random.Next(-1, Days + 1)),                       // a day's start
        2 => Day0.AddHours(random.Next(-24, (Days + 1) * 24)),              // an hour's
        _ => Day0.AddSeconds(random.Next(-86400, (Days + 1) * 86400)),
    };

    /// <summary>The lister's loop over a listing: the keys the scan keeps.</summary>
    private static async Task<List<string>> Scan(MemorySource source, TimeWindow window, int pageSize) =>
        (await ScanCounting(source, window, pageSize)).Keys;

    private static async Task<(List<string> Keys, int Lists)> ScanCounting(MemorySource source, TimeWindow window, int pageSize)
    {
        var scan = new WindowScan(window);
        var read = new List<string>();
        string? after = null;
        int lists = 0;
        do
        {
            lists++;
            var page = await source.ListAsync("logs/", after, pageSize, CancellationToken.None);
            var (inWindow, next) = scan.Take(page);
            read.AddRange(inWindow.Select(o => o.Key));
            after = next;
        } while (after is not null);
        return (read, lists);
    }

    [Fact]
    public async Task Should_select_what_a_filter_over_the_whole_listing_selects_when_every_layout_shares_one_prefix()
    {
        for (int seed = 0; seed < 500; seed++)
        {
            var random = new Random(seed);
            var keys = new Dictionary<string, (DateTime Begin, DateTime End)?>();
            for (int i = random.Next(30, 400); i > 0; i--)
            {
                var (key, period) = OneKey(random);
                keys[key] = period;
            }
            DateTime? since = SomeTime(random), until = SomeTime(random);
            if (since > until) (since, until) = (until, since);
            if (since == until) until = null;
            var window = new TimeWindow(since, until);
            using var source = new MemorySource(keys.Keys.Select(k => (k, Array.Empty<byte>())));

            var read = await Scan(source, window, pageSize: random.Next(1, 50));

            var expected = keys
                .Where(k => k.Value is { } p && (until is null || p.Begin < until) && (since is null || p.End > since))
                .Select(k => k.Key).Order(Utf8Order.Instance).ToList();
            Assert.True(expected.SequenceEqual(read),
                $"seed {seed}, window {window}: missing {string.Join(", ", expected.Except(read).Take(3))}; extra {string.Join(", ", read.Except(expected).Take(3))}");
        }
    }

    [Fact]
    public async Task Should_list_the_other_layouts_of_the_stem_after_an_access_log_past_the_window()
    {
        using var source = new MemorySource(new[]
        {
            "logs/2016-09-11-14-00-00-A", "logs/2016-09-12-14-00-00-B", "logs/2016/09/11/14/app.log",
            "logs/987654321098/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C",
        }.Select(k => (k, Array.Empty<byte>())));
        var window = new TimeWindow(new DateTime(2016, 9, 11, 0, 0, 0, DateTimeKind.Utc), new DateTime(2016, 9, 12, 0, 0, 0, DateTimeKind.Utc));

        foreach (int pageSize in new[] { 1, 2, 1000 })
            Assert.Equal(
                ["logs/2016-09-11-14-00-00-A", "logs/2016/09/11/14/app.log", "logs/987654321098/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C"],
                await Scan(source, window, pageSize));
    }

    [Fact]
    public async Task Should_list_the_other_layouts_of_the_stem_when_seeking_to_the_window_start()
    {
        // A date folder of the year before --since: a seek to "logs/2016/09/1" would pass over the
        // access logs ("logs/2016-…") and the account folders ("logs/2016…/") in the window.
        using var source = new MemorySource(new[]
        {
            "logs/2015/12/31/app.log", "logs/2016-09-11-14-00-00-A", "logs/201609111234/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C",
            "logs/2016/09/11/app.log",
        }.Select(k => (k, Array.Empty<byte>())));
        var window = new TimeWindow(new DateTime(2016, 9, 11, 0, 0, 0, DateTimeKind.Utc), null);

        foreach (int pageSize in new[] { 1, 2, 1000 })
            Assert.Equal(
                ["logs/2016-09-11-14-00-00-A", "logs/2016/09/11/app.log", "logs/201609111234/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C"],
                await Scan(source, window, pageSize));
    }

    [Fact]
    public async Task Should_take_a_window_that_starts_in_the_first_year_of_the_calendar()
    {
        using var source = new MemorySource(new[]
        {
            "logs/987654321098/us-east-1/src/0001/01/01/0001-01-01-00-00-00-B",   // before the window: the scan seeks
            "logs/987654321098/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C", "logs/987654321098/us-east-1/src/2016/09/12/2016-09-12-14-00-00-D",
        }.Select(k => (k, Array.Empty<byte>())));
        var window = new TimeWindow(new DateTime(1, 1, 1, 12, 0, 0, DateTimeKind.Utc), new DateTime(2016, 9, 12, 0, 0, 0, DateTimeKind.Utc));

        Assert.Equal(["logs/987654321098/us-east-1/src/2016/09/11/2016-09-11-14-00-00-C"], await Scan(source, window, 1));
    }

    [Fact]
    public async Task Should_still_cost_a_few_LISTs_for_a_narrow_window_in_a_prefix_of_mixed_layouts()
    {
        // 90 days across a year's turn, every 10 minutes, in four layouts under logs/: 38,970 keys, 39 pages.
        var keys = (from i in Enumerable.Range(0, 90 * 144)
                    let t = Day0.AddDays(-45).AddMinutes(i * 10)
                    from key in new[]
                    {
                        $"logs/{Access(t)}-X", $"logs/{Day(t)}/app.log", $"logs/987654321098/us-east-1/src/{Day(t)}/{Access(t)}-Y",
                        $"logs/1_elasticloadbalancing_us-east-1_app.web_{Minute(t)}_10.0.0.1_Z.log.gz",
                    }
                    select key).Distinct().ToList();
        using var source = new MemorySource(keys.Select(k => (k, Array.Empty<byte>())));
        var window = new TimeWindow(Day0.AddHours(3), Day0.AddHours(4));

        var (read, lists) = await ScanCounting(source, window, 1000);

        Assert.Equal(6 * 3 + 1, read.Count);   // six of each name layout in the hour, and the day's folder
        // About one LIST per layout to reach the window and one per year a seek cannot cross (7 measured).
        Assert.True(lists <= 8, $"{lists} LISTs for {keys.Count} keys");
    }
}
