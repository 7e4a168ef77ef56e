using S3Tail.Windowing;

namespace S3Tail.Tests.Windowing;

public sealed class TimeTextSpecs
{
    private static readonly DateTimeOffset Now = new(2026, 11, 28, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("2016-09-11", "2016-09-11T00:00:00")]
    [InlineData("2016-09-11T14", "2016-09-11T14:00:00")]
    [InlineData("2016-09-11T14:30", "2016-09-11T14:30:00")]
    [InlineData("2016-09-11T14:30:15Z", "2016-09-11T14:30:15")]
    [InlineData("2016-09-11 14:30:15", "2016-09-11T14:30:15")]
    [InlineData("2016-09-11T16:30+02:00", "2016-09-11T14:30:00")]
    [InlineData("2016-09-11T09:30-0500", "2016-09-11T14:30:00")]
    [InlineData("2016-09-11T14:30:15.250Z", "2016-09-11T14:30:15.25")]
    public void Should_read_ISO_8601_in_UTC_unless_an_offset_is_given(string text, string utc)
    {
        Assert.Equal(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), TimeText.TryParseInstant(text, Now)!.Value.UtcDateTime);
    }

    [Theory]
    [InlineData("90m", 90 * 60)]
    [InlineData("1h30m", 90 * 60)]
    [InlineData("2d", 2 * 86400)]
    [InlineData("1w", 7 * 86400)]
    [InlineData("45s", 45)]
    [InlineData("1d12h", 36 * 3600)]
    public void Should_read_a_duration_as_that_long_before_now(string text, int seconds)
    {
        Assert.Equal(Now.AddSeconds(-seconds), TimeText.TryParseInstant(text, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("yesterday")]
    [InlineData("2016-13-01")]
    [InlineData("2016-02-30")]
    [InlineData("2016-09-11T25")]
    [InlineData("2016-9-11")]
    [InlineData("90")]
    [InlineData("1y")]
    [InlineData("h")]
    [InlineData("-2d")]
    [InlineData("99999999w")]
    [InlineData("2016-09-11T14:30+15:00")]
    public void Should_refuse_what_is_no_time(string text)
    {
        Assert.Null(TimeText.TryParseInstant(text, Now));
    }

    [Fact]
    public void Should_refuse_bad_values_and_empty_windows_as_bad_usage_naming_the_option()
    {
        var bad = Assert.Throws<S3TailException>(() => TimeWindow.Parse("2016-09-11", "soon", Now));
        Assert.Equal(ErrorKind.Usage, bad.Kind);
        Assert.StartsWith("--until 'soon' is not a time", bad.Message);

        var empty = Assert.Throws<S3TailException>(() => TimeWindow.Parse("2016-09-12", "2016-09-11", Now));
        Assert.Equal(ErrorKind.Usage, empty.Kind);
        Assert.Contains("--since '2016-09-12'", empty.Message);
        Assert.Contains("not before --until '2016-09-11'", empty.Message);

        Assert.Throws<S3TailException>(() => TimeWindow.Parse("2016-09-11T14:00", "2016-09-11T16:00+02:00", Now));
        Assert.Null(TimeWindow.Parse(null, null, Now));
    }

    [Fact]
    public void Should_take_a_period_starting_at_since_and_leave_one_starting_at_until()
    {
        var w = TimeWindow.Parse("2016-09-11T14:00", "2016-09-11T16:00", Now)!;
        var t = new DateTime(2016, 9, 11, 14, 0, 0, DateTimeKind.Utc);
        Assert.True(w.Overlaps(t, t.AddSeconds(1)));
        Assert.False(w.Overlaps(t.AddSeconds(-1), t));
        Assert.True(w.Overlaps(t.AddMinutes(-30), t.AddMinutes(30)));     // an hour straddling the start
        Assert.False(w.Overlaps(t.AddHours(2), t.AddHours(3)));
        Assert.True(w.Overlaps(t.AddHours(2).AddSeconds(-1), t.AddHours(2)));
    }
}
