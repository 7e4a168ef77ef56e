namespace S3Tail.Following;

/// <summary>
/// Follow mode (<c>-f</c>): after the last object, keep polling for new ones until stopped.
/// <see cref="LookBack"/> is how far back in key time each poll looks again for objects that
/// arrived late; <see cref="Ledger"/> remembers what was written inside that window (give it a
/// saved <see cref="FollowState"/> to resume a follow without missing or repeating a late object).
/// </summary>
public sealed record FollowOptions(TimeSpan Poll, TimeSpan LookBack, FollowLedger Ledger)
{
    public static readonly TimeSpan DefaultPoll = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan DefaultLookBack = TimeSpan.FromHours(1);

    /// <summary>The clock the look-back window is measured on.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
