namespace S3Tail.Following;

/// <summary>An object a follow is done with (written, skipped, or passed over at its start), and when its key's period ends.</summary>
internal sealed record KnownObject(string Key, string ETag, DateTime? End);

/// <summary>A late object a follow stopped in: <see cref="Line"/> of it was the last line written.</summary>
internal sealed record PartialObject(string Key, string ETag, long Size, long Line);

/// <summary>
/// What a named bookmark keeps besides <c>KEY:LINE</c> in follow mode: the objects done with
/// inside the look-back window (so a restart neither misses a late object nor repeats one), and
/// the late object it stopped in, if any. <see cref="FollowLedger.Snapshot"/> makes one; a new
/// ledger resumes from it.
/// </summary>
internal sealed record FollowState(IReadOnlyList<KnownObject> Known, PartialObject? Partial);
