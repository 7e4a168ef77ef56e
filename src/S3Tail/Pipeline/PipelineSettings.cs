namespace S3Tail.Pipeline;

/// <summary>
/// What every actor of one run shares: the request, the fetcher, and the run's stop switch.
/// Cancelling <see cref="Stopping"/> stops listing and downloads at once and makes the writer
/// drop what it has not started.
/// </summary>
public sealed record PipelineSettings(TailRequest Request, ObjectFetcher Fetcher, CancellationTokenSource Stopping)
{
    /// <summary>The prefetch window: fixed, or adapting (--prefetch auto).</summary>
    public PrefetchController Prefetch { get; init; } = new(Request.Prefetch == TailRequest.AutoPrefetch ? null : Request.Prefetch);
}
