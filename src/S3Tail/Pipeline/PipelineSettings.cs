namespace S3Tail.Pipeline;

/// <summary>
/// What every actor of one run shares: the request, the fetcher, and the run's stop switch.
/// Cancelling <see cref="Stopping"/> stops listing and downloads at once and makes the writer
/// drop what it has not started.
/// </summary>
public sealed record PipelineSettings(TailRequest Request, ObjectFetcher Fetcher, CancellationTokenSource Stopping)
{
    /// <summary>The prefetch window (fixed, or adapting with --prefetch auto): the fetcher's, which hears of failures.</summary>
    public PrefetchController Prefetch => Fetcher.Prefetch;
}
