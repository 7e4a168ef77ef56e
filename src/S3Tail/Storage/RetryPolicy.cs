namespace S3Tail.Storage;

/// <summary>
/// How often a request tries again after a transient failure (a cut connection, 500, 503
/// SlowDown, no progress for <see cref="StallTimeout"/>) and how long it waits: exponential
/// backoff with full jitter, so a throttled prefix is not hit again by every downloader at the
/// same instant. The count restarts whenever a download makes progress, so a long object
/// survives occasional cuts.
/// </summary>
internal sealed record RetryPolicy(int MaxAttempts = 6, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null, TimeSpan? Stall = null)
{
    public static readonly RetryPolicy Default = new();

    /// <summary>The default <see cref="StallTimeout"/>: long enough for a slow S3 listing page, short enough to notice a dead peer.</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long one request (an answer's headers, or the next bytes of a body) may make no progress.</summary>
    public TimeSpan StallTimeout => Stall ?? DefaultStallTimeout;

    /// <summary>Runs <paramref name="operation"/>, each attempt bounded by the stall timeout, trying again after transient failures.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> operation, Action<string>? onRetry, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await WithinStallTimeout(operation, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                onRetry?.Invoke($"{e.Message.TrimEnd('.')}; trying again (attempt {attempt + 1} of {MaxAttempts}).");
                await Task.Delay(DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs one request that must make progress within <see cref="StallTimeout"/>; one that does
    /// not is cancelled and reported as a transient <see cref="StallException"/>.
    /// </summary>
    public async Task<T> WithinStallTimeout<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(StallTimeout);
        try
        {
            return await operation(attempt.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (attempt.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                  && e is OperationCanceledException or S3TailException or IOException or HttpRequestException)
        {
            throw new StallException(StallTimeout, e);
        }
    }

    /// <summary>A failure a retry may cure: the network, a cut body, a stall, 500, 503 SlowDown.</summary>
    public static bool IsTransient(Exception e) =>
        e is S3TailException { IsTransient: true } or IOException or HttpRequestException or StallException
        || (e is OperationCanceledException && e.InnerException is TimeoutException);

    public TimeSpan DelayBefore(int attempt)
    {
        double baseMs = (BaseDelay ?? TimeSpan.FromMilliseconds(100)).TotalMilliseconds;
        double capMs = (MaxDelay ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        double ceiling = Math.Min(capMs, baseMs * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}

/// <summary>A request made no progress for the stall timeout: transient, like a 503.</summary>
internal sealed class StallException(TimeSpan timeout, Exception inner)
    : TimeoutException($"no answer for {timeout.TotalSeconds:0.#} s (--timeout)", inner);
