using S3Tail.Bookmarks;

namespace S3Tail;

/// <summary>How a run ended.</summary>
public enum StopReason
{
    /// <summary>Every listed object was written.</summary>
    Completed,
    /// <summary>Stopped from outside (Ctrl-C, SIGTERM, a cancelled token).</summary>
    Cancelled,
    /// <summary>The reader of the output went away (a closed pipe).</summary>
    OutputClosed,
    /// <summary>The line handler asked to stop.</summary>
    HandlerStopped,
    /// <summary>An error ended the run; see <see cref="TailResult.Error"/>.</summary>
    Failed,
    /// <summary><see cref="TailRequest.MaxLines"/> lines were written.</summary>
    LimitReached,
}

/// <summary>Counts of one run, for the summary line.</summary>
public sealed record RunStatistics(long ObjectsWritten, long LinesWritten, long BytesWritten, long Downloads, long CacheHits,
    IReadOnlyList<string> SkippedKeys)
{
    /// <summary>The prefetch window at the end (with --prefetch auto, where it settled).</summary>
    public int PrefetchWindow { get; init; }

    /// <summary>
    /// Source lines examined up to the bookmark (with a filter, kept or not; without one, equal
    /// to <see cref="LinesWritten"/>).
    /// </summary>
    public long LinesExamined { get; init; }

    /// <summary>Listed keys left out by the time window (<see cref="TailRequest.Window"/>).</summary>
    public long OutsideWindow { get; init; }

    /// <summary>Listed keys left out because a time window was asked for and their names carry no time.</summary>
    public long WithoutTime { get; init; }

    /// <summary>One of the keys counted in <see cref="WithoutTime"/>, for the warning.</summary>
    public string? ExampleWithoutTime { get; init; }

    /// <summary>In a run spread over workers: objects fetched by this machine and by each worker (HOST:PORT); null without workers.</summary>
    public IReadOnlyList<(string Who, long Objects)>? FetchedBy { get; init; }
}

/// <summary>
/// The end of a run. <see cref="Bookmark"/> names the last line whose write completed (or the
/// bookmark the run started from, when it wrote nothing); resuming from it continues exactly.
/// </summary>
public sealed record TailResult(Bookmark? Bookmark, StopReason Reason, Exception? Error, RunStatistics Statistics)
{
    /// <summary>
    /// In follow mode, what the follow is done with at the end (save it beside the bookmark and
    /// give it back as <see cref="Following.FollowOptions.Saved"/> to resume); null otherwise.
    /// </summary>
    internal Following.FollowProgress? Follow { get; init; }
}
