namespace S3Tail.Storage;

/// <summary>
/// How often a download tries again after a transient failure (a cut connection, 500, 503
/// SlowDown) and how long it waits: exponential backoff with full jitter, so a throttled prefix
/// is not hit again by every downloader at the same instant. The count restarts whenever the
/// download makes progress, so a long object survives occasional cuts.
/// </summary>
public sealed record RetryPolicy(int MaxAttempts = 6, TimeSpan? BaseDelay = null, TimeSpan? MaxDelay = null)
{
    public static readonly RetryPolicy Default = new();

    /// <summary>Runs <paramref name="operation"/>, trying again after transient failures.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> operation, Action<string>? onRetry, CancellationToken cancellationToken)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e) && attempt < MaxAttempts && !cancellationToken.IsCancellationRequested)
            {
                onRetry?.Invoke($"{e.Message.TrimEnd('.')}; trying again (attempt {attempt + 1} of {MaxAttempts}).");
                await Task.Delay(DelayBefore(attempt), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>A failure a retry may cure: the network, a cut body, 500, 503 SlowDown.</summary>
    public static bool IsTransient(Exception e) =>
        e is S3TailException { IsTransient: true } or IOException or HttpRequestException
        || (e is OperationCanceledException && e.InnerException is TimeoutException);

    public TimeSpan DelayBefore(int attempt)
    {
        double baseMs = (BaseDelay ?? TimeSpan.FromMilliseconds(100)).TotalMilliseconds;
        double capMs = (MaxDelay ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        double ceiling = Math.Min(capMs, baseMs * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
