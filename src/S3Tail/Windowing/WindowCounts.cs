namespace S3Tail.Windowing;

/// <summary>
/// What a time window left out of a listing so far: keys whose time is outside it, keys whose
/// names carry no time, and one of the latter for the warning. A value, so the actor that owns the
/// <see cref="WindowScan"/> can report it to others.
/// </summary>
internal sealed record WindowCounts(long OutsideWindow, long WithoutTime, string? ExampleWithoutTime)
{
    /// <summary>Every key left out, whatever the reason (the progress line's count).</summary>
    public long LeftOut => OutsideWindow + WithoutTime;
}
