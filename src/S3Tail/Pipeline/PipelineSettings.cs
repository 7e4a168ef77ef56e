namespace S3Tail.Pipeline;

/// <summary>
/// What every actor of one run shares: the request, the fetcher, and the run's stop switch.
/// Cancelling <see cref="Stopping"/> stops listing and downloads at once and makes the writer
/// drop what it has not started.
/// </summary>
internal sealed record PipelineSettings(TailRequest Request, ObjectFetcher Fetcher, CancellationTokenSource Stopping)
{
    /// <summary>
    /// The request's workers as the pipeline sees them (null: this machine alone): the engine
    /// makes them from <see cref="TailRequest.Workers"/>, since they plug in through the
    /// dispatcher's protocol and the pipeline knows nothing else of them.
    /// </summary>
    public IRemoteFetchers? Workers { get; init; }

    /// <summary>
    /// The lister's credit: how many objects it may hand the dispatcher that are not written
    /// yet. The prefetch window itself (fixed, or adapting with --prefetch auto) is the
    /// dispatcher's; the run gives the lister a fixed credit as wide as that window can grow
    /// (for --prefetch auto, its ceiling), so the lister never holds back what the window would let out.
    /// </summary>
    public int ListingCredit { get; init; } = PrefetchController.For(Request.Prefetch).Ceiling;
}
