namespace S3Tail.Following;

/// <summary>An object a follow is done with (written, skipped, or passed over at its start), and when its key's period ends.</summary>
public sealed record KnownObject(string Key, string ETag, DateTime? End);

/// <summary>A late object a follow stopped in: <see cref="Line"/> of it was the last line written.</summary>
public sealed record PartialObject(string Key, string ETag, long Size, long Line);

/// <summary>
/// What a named bookmark keeps besides <c>KEY:LINE</c> in follow mode: the objects done with
/// inside the look-back window (so a restart neither misses a late object nor repeats one), and
/// the late object it stopped in, if any. <see cref="FollowLedger.Snapshot"/> makes one; a new
/// ledger resumes from it.
/// </summary>
public sealed record FollowState(IReadOnlyList<KnownObject> Known, PartialObject? Partial);
