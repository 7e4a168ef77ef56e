namespace S3Tail.Following;

/// <summary>
/// Follow mode (<c>-f</c>): after the last object, keep polling for new ones until stopped.
/// <see cref="LookBack"/> is how far back in key time each poll looks again for objects that
/// arrived late. Within a run nothing late is missed or repeated; across runs the CLI keeps the
/// follow's state beside a named bookmark (<see cref="Saved"/>, <see cref="Changed"/> and
/// <see cref="TailResult.Follow"/> are its).
/// </summary>
public sealed record FollowOptions(TimeSpan Poll, TimeSpan LookBack)
{
    /// <summary>The state an earlier follow saved: resume without missing or repeating a late object.</summary>
    internal FollowState? Saved { get; init; }

    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(1);

    /// <summary>The clock the look-back window is measured on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called (on the listing actor's thread; keep it quick) each time what the follow would save
    /// changes. The CLI keeps the latest for its checkpoints.
    /// </summary>
    internal Action<FollowProgress>? Changed { get; init; }
}
