using System.Globalization;
using System.Text.RegularExpressions;

namespace S3Tail.Windowing;

/// <summary>
/// The time forms users type: ISO 8601 dates and date-times (<c>2016-09-11</c>,
/// <c>2016-09-11T14</c>, <c>2016-09-11T14:30</c>, <c>2016-09-11T14:30:15Z</c>,
/// <c>2016-09-11T16:30+02:00</c>; no offset means UTC), and durations (<c>90m</c>, <c>1h30m</c>,
/// <c>2d</c>, <c>1w</c>, <c>1s</c>) which, where an instant is wanted, count back from now.
/// </summary>
internal static partial class TimeText
{
    /// <summary>The longest duration accepted: a thousand years is a typo, not a window.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(36_525);

    /// <summary>An instant: a date-time, or a duration before <paramref name="now"/>; null when it is neither.</summary>
    public static DateTimeOffset? TryParseInstant(string text, DateTimeOffset now)
    {
        if (TryParseDuration(text) is { } ago) return now.ToUniversalTime() - ago;
        return TryParseDate(text);
    }

    /// <summary>A duration: numbers each followed by a unit s, m, h, d or w (<c>1h30m</c>); null otherwise.</summary>
    public static TimeSpan? TryParseDuration(string text)
    {
        var m = DurationForm().Match(text.Trim());
        if (!m.Success) return null;
        double seconds = 0;
        foreach (Capture part in m.Groups["part"].Captures)
        {
            string p = part.Value;
            if (!long.TryParse(p.AsSpan(0, p.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out long n)) return null;
            seconds += n * char.ToLowerInvariant(p[^1]) switch
            {
                's' => 1.0,
                'm' => 60.0,
                'h' => 3600.0,
                'd' => 86400.0,
                _ => 604800.0,
            };
            if (seconds > MaxDuration.TotalSeconds) return null;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>An ISO 8601 date or date-time, in UTC when it names no offset; null otherwise.</summary>
    public static DateTimeOffset? TryParseDate(string text)
    {
        var m = DateForm().Match(text.Trim());
        if (!m.Success) return null;
        int Part(string name) => m.Groups[name].Success ? int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        try
        {
            var offset = TimeSpan.Zero;
            if (m.Groups["sign"].Success)
            {
                offset = new TimeSpan(Part("oh"), Part("om"), 0);
                if (offset > TimeSpan.FromHours(14)) return null;
                if (m.Groups["sign"].Value == "-") offset = -offset;
            }
            var local = new DateTime(Part("y"), Part("mo"), Part("d"), Part("h"), Part("mi"), Part("s"), DateTimeKind.Unspecified);
            if (m.Groups["f"].Success)
                local = local.AddTicks(long.Parse(m.Groups["f"].Value.PadRight(7, '0'), CultureInfo.InvariantCulture));
            return new DateTimeOffset(local, offset).ToUniversalTime();
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;   // month 13, hour 25, February 30th
        }
    }

    [GeneratedRegex(@"^(?<part>[0-9]{1,9}[smhdwSMHDW])+$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationForm();

    [GeneratedRegex(
        @"^(?<y>[0-9]{4})-(?<mo>[0-9]{2})-(?<d>[0-9]{2})" +
        @"(?:[Tt ](?<h>[0-9]{2})(?::(?<mi>[0-9]{2})(?::(?<s>[0-9]{2})(?:[.,](?<f>[0-9]{1,7}))?)?)?" +
        @"(?:[Zz]|(?<sign>[+-])(?<oh>[0-9]{2})(?::?(?<om>[0-9]{2}))?)?)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex DateForm();
}
