namespace S3Tail.Following;

/// <summary>
/// Follow mode (<c>-f</c>): after the last object, keep polling for new ones until stopped.
/// <see cref="LookBack"/> is how far back in key time each poll looks again for objects that
/// arrived late. Give it the <see cref="Saved"/> state of an earlier follow to resume without
/// missing or repeating a late object; the run reports its own as it goes (<see cref="Changed"/>)
/// and at its end (<see cref="TailResult.Follow"/>).
/// </summary>
public sealed record FollowOptions(TimeSpan Poll, TimeSpan LookBack, FollowState? Saved = null)
{
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(1);

    /// <summary>The clock the look-back window is measured on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// Called (on the listing actor's thread; keep it quick) each time what the follow would save
    /// changes. The CLI keeps the latest for its checkpoints.
    /// </summary>
    public Action<FollowProgress>? Changed { get; init; }
}
