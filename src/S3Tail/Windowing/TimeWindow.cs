namespace S3Tail.Windowing;

/// <summary>
/// The period <c>[Since, Until)</c> a run reads, in UTC; either end may be open. An object is in
/// it when the period its key's name gives (<see cref="KeyTime"/>) overlaps it: a key named
/// exactly at <see cref="Since"/> is in, one named exactly at <see cref="Until"/> is out, and an
/// hour-named object that straddles an edge is in.
/// </summary>
public sealed record TimeWindow(DateTime? Since, DateTime? Until)
{
    /// <summary>
    /// The window of <c>--since</c> and <c>--until</c> (either may be null), durations counted
    /// back from <paramref name="now"/>. Null when both are; a value that is no time, or a start
    /// not before the end, is a usage error naming the option and the value.
    /// </summary>
    public static TimeWindow? Parse(string? since, string? until, DateTimeOffset now)
    {
        if (since is null && until is null) return null;
        var start = Instant("--since", since, now);
        var end = Instant("--until", until, now);
        if (start is { } s && end is { } e && s >= e)
            throw S3TailException.Usage($"--since '{since}' ({Show(s)}) is not before --until '{until}' ({Show(e)}); the window would be empty.");
        return new TimeWindow(start, end);
    }

    private static DateTime? Instant(string option, string? text, DateTimeOffset now)
    {
        if (text is null) return null;
        return TimeText.TryParseInstant(text, now)?.UtcDateTime
               ?? throw S3TailException.Usage(
                   $"{option} '{text}' is not a time: give an ISO 8601 date or date-time (2016-09-11, 2016-09-11T14:30, " +
                   "2016-09-11T16:30+02:00; UTC unless an offset is given) or a duration before now (90m, 1h30m, 2d).");
    }

    /// <summary>Whether the period <c>[begin, end)</c> overlaps the window.</summary>
    public bool Overlaps(DateTime begin, DateTime end) =>
        (Until is not { } until || begin < until) && (Since is not { } since || end > since);

    /// <summary>The window as ISO 8601 for messages.</summary>
    public override string ToString() =>
        $"[{(Since is { } s ? Show(s) : "…")}, {(Until is { } u ? Show(u) : "…")})";

    private static string Show(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
