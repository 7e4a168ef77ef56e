using S3Tail.Following;
using S3Tail.Windowing;

namespace S3Tail.Pipeline;

// The listing actor owns the time window's scan and a follow's ledger: others learn of them, and
// change them, only through these messages.

/// <summary>
/// Sequencer → lister (follow mode): the oldest objects handed out ended, in hand-out order;
/// each is done when every line of it went out (or it was skipped).
/// </summary>
internal sealed record FollowObjectsEnded(IReadOnlyList<bool> Done);

/// <summary>Sequencer → lister (follow mode): line <see cref="Line"/> of late object <see cref="Key"/> went out.</summary>
internal sealed record FollowLateLine(string Key, long Line);

/// <summary>Coordinator → lister, once the run is over: report what the listing kept.</summary>
internal sealed record ReportListing
{
    public static readonly ReportListing Instance = new();
}

/// <summary>Lister → coordinator: the time window's counts (null without one) and the follow's state (null without follow).</summary>
internal sealed record ListingReport(WindowCounts? Window, FollowProgress? Follow);
