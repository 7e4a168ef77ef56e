using System.Globalization;
using System.Text.RegularExpressions;

namespace S3Tail.Windowing;

/// <summary>The ways AWS writes a time into a log object's key.</summary>
internal enum TimeForm
{
    /// <summary>S3 server access logs: <c>…YYYY-MM-DD-HH-MM-SS-UNIQUE</c> (a second).</summary>
    AccessLog,
    /// <summary>ALB/ELB/NLB access logs, CloudTrail, VPC flow logs: <c>…_YYYYMMDDTHHMMZ_…</c> (a minute).</summary>
    LoadBalancer,
    /// <summary>CloudFront standard logs: <c>DISTRIBUTION.YYYY-MM-DD-HH.UNIQUE…</c> (an hour).</summary>
    CloudFront,
    /// <summary>A date folder <c>…/YYYY/MM/DD/…</c> (a day).</summary>
    DateFolder,
    /// <summary>An hour folder right after a date folder, <c>…/YYYY/MM/DD/HH/…</c>, as Firehose writes (an hour).</summary>
    HourFolder,
    /// <summary>A Hive-style partition <c>…/year=YYYY/month=MM/day=DD/…</c> (a day).</summary>
    HiveDay,
    /// <summary>A Hive-style hour partition right after a day one, <c>…/day=DD/hour=HH/…</c> (an hour).</summary>
    HiveHour,
}

/// <summary>
/// A time found in a key: where its text starts (everything before is the <em>stem</em>), its
/// form, and the period <c>[Begin, End)</c> it names, in UTC.
/// </summary>
internal readonly record struct TimeMark(int Start, TimeForm Form, DateTime Begin, DateTime End);

/// <summary>
/// Reads the time out of a log object's key. A key can carry several: date folders, then the
/// name's own time. The period of the object is the name's own time when it has one, else the
/// deepest folder's. Every form writes its fields big-endian and fixed-width, so among keys that
/// share a stem, key order is time order: that is what lets the lister seek (see
/// <see cref="WindowScan"/>).
/// </summary>
internal static partial class KeyTime
{
    /// <summary>The times in <paramref name="key"/>, outermost (leftmost) first; empty when it has none.</summary>
    public static IReadOnlyList<TimeMark> Marks(string key)
    {
        int nameStart = key.LastIndexOf('/') + 1;
        List<TimeMark>? marks = null;
        if (nameStart > 0)
        {
            // An hour folder is a mark of its own, with the date folders as its stem: the keys of a
            // day can mix hour folders and plain names, and only the hour folders sort by hour.
            foreach (Match m in DateFolders().Matches(key[..nameStart]))
            {
                if (!Add(ref marks, m, TimeForm.DateFolder, fine: false)) continue;
                if (m.Groups["h"].Success) Add(ref marks, m, TimeForm.HourFolder, fine: true);
            }
            foreach (Match m in HiveFolders().Matches(key[..nameStart]))
            {
                if (!Add(ref marks, m, TimeForm.HiveDay, fine: false)) continue;
                if (m.Groups["h"].Success) Add(ref marks, m, TimeForm.HiveHour, fine: true);
            }
            if (marks is { Count: > 1 }) marks.Sort((a, b) => a.Start.CompareTo(b.Start));
        }
        var name = AccessLogName().Match(key, nameStart);
        var form = TimeForm.AccessLog;
        if (!name.Success) (name, form) = (LoadBalancerName().Match(key, nameStart), TimeForm.LoadBalancer);
        if (!name.Success) (name, form) = (CloudFrontName().Match(key, nameStart), TimeForm.CloudFront);
        if (name.Success) Add(ref marks, name, form, fine: true);
        return (IReadOnlyList<TimeMark>?)marks ?? [];
    }

    /// <summary>The period a key's name gives: the finest time it carries; null when it carries none.</summary>
    public static (DateTime Begin, DateTime End)? PeriodOf(string key) =>
        Marks(key) is { Count: > 0 } marks ? (marks[^1].Begin, marks[^1].End) : null;

    /// <summary>
    /// The text <paramref name="form"/> writes for the period holding <paramref name="time"/> (for
    /// an hour folder, the hour alone: its stem holds the date).
    /// </summary>
    public static string Format(TimeForm form, DateTime time) => time.ToString(form switch
    {
        TimeForm.AccessLog => "yyyy-MM-dd-HH-mm-ss",
        TimeForm.LoadBalancer => "yyyyMMdd'T'HHmm'Z'",
        TimeForm.CloudFront => "yyyy-MM-dd-HH",
        TimeForm.DateFolder => "yyyy'/'MM'/'dd'/'",
        TimeForm.HourFolder => "HH'/'",
        TimeForm.HiveDay => "'year='yyyy'/month='MM'/day='dd'/'",
        _ => "'hour='HH'/'",
    }, CultureInfo.InvariantCulture);

    /// <summary>
    /// The greatest key of <paramref name="key"/>'s stem and layout that begins like it: its stem,
    /// then the opening of <paramref name="mark"/>'s time that tells its form apart from every
    /// other form, and from the account and bucket folders, that can follow the same stem (S3
    /// writes a new logging format to the same prefix as the old one), then the largest character
    /// the time goes on with ('9') and U+10FFFF, the largest code point. Keys between
    /// <paramref name="key"/> and this one share its stem and its layout; a key of another layout
    /// may sort anywhere after it.
    /// </summary>
    public static string LayoutEnd(string key, TimeMark mark)
    {
        (int opening, string next) = mark.Form switch
        {
            // "YYYY-MM-DD-HH-": CloudFront's "YYYY-MM-DD-HH." can follow a stem that ends in '.'.
            TimeForm.AccessLog when mark.Start > 0 && key[mark.Start - 1] == '.' => (14, "9"),
            TimeForm.HourFolder => (3, ""),            // "HH/"; the day folder above can also hold names "YYYY-…"
            TimeForm.HiveDay => (10, "month=9"),       // "year=YYYY/"
            TimeForm.HiveHour => (8, ""),              // "hour=HH/"
            // The year, then a digit: "YYYYMMDD…" (nothing else follows '_' with digits; an access
            // log's "YYYY-" sorts before any such key, a later year's after the bound).
            TimeForm.LoadBalancer => (4, "9"),
            // The year and the character after it: '-' (access log, CloudFront), '/' (date folder).
            // A 12-digit account folder differs there. The time goes on with digits, so a folder
            // such as "2016-notes/" or "2016/misc/" is not in the layout either.
            _ => (5, "9"),
        };
        return key[..(mark.Start + opening)] + next + Last;
    }

    /// <summary>Sorts after every text of the characters a key holds (U+10FFFF is the largest code point).</summary>
    private const string Last = "\U0010FFFF\U0010FFFF";

    /// <summary>Adds the mark <paramref name="m"/> gives, with the hour and finer fields when <paramref name="fine"/>; false when it is no real time.</summary>
    private static bool Add(ref List<TimeMark>? marks, Match m, TimeForm form, bool fine)
    {
        int Part(string group) => m.Groups[group].Success && (fine || group is "y" or "mo" or "d")
            ? int.Parse(m.Groups[group].ValueSpan, CultureInfo.InvariantCulture) : 0;
        int year = Part("y"), month = Part("mo"), day = Part("d"), hour = Part("h"), minute = Part("mi"), second = Part("s");
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
            return false;   // digits that look like a time but are not one
        var begin = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        var end = form switch
        {
            TimeForm.AccessLog => begin.AddSeconds(1),
            TimeForm.LoadBalancer => begin.AddMinutes(1),
            TimeForm.CloudFront or TimeForm.HourFolder or TimeForm.HiveHour => begin.AddHours(1),
            _ => begin.AddDays(1),
        };
        int start = form switch
        {
            TimeForm.HiveDay => m.Groups["y"].Index - "year=".Length,
            TimeForm.HiveHour => m.Groups["h"].Index - "hour=".Length,
            TimeForm.HourFolder => m.Groups["h"].Index,
            _ => m.Groups["y"].Index,
        };
        (marks ??= []).Add(new TimeMark(start, form, begin, end));
        return true;
    }

    [GeneratedRegex(@"(?<![^/])(?<y>[0-9]{4})/(?<mo>[0-9]{2})/(?<d>[0-9]{2})/(?:(?<h>[0-9]{2})/)?", RegexOptions.CultureInvariant)]
    private static partial Regex DateFolders();

    [GeneratedRegex(@"(?<![^/])year=(?<y>[0-9]{4})/month=(?<mo>[0-9]{2})/day=(?<d>[0-9]{2})/(?:hour=(?<h>[0-9]{2})/)?", RegexOptions.CultureInvariant)]
    private static partial Regex HiveFolders();

    [GeneratedRegex(@"\G[^/]*?(?<![0-9])(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})-(?<h>[0-9]{2})-(?<mi>[0-9]{2})-(?<s>[0-9]{2})-[^/]", RegexOptions.CultureInvariant)]
    private static partial Regex AccessLogName();

    [GeneratedRegex(@"\G[^/]*?_(?<y>[0-9]{4})(?<mo>[0-9]{2})(?<d>[0-9]{2})T(?<h>[0-9]{2})(?<mi>[0-9]{2})Z_", RegexOptions.CultureInvariant)]
    private static partial Regex LoadBalancerName();

    [GeneratedRegex(@"\G[^/]*?\.(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})-(?<h>[0-9]{2})\.", RegexOptions.CultureInvariant)]
    private static partial Regex CloudFrontName();
}
