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

    public TimeSpan DelayBefore(int attempt)
    {
        double baseMs = (BaseDelay ?? TimeSpan.FromMilliseconds(100)).TotalMilliseconds;
        double capMs = (MaxDelay ?? TimeSpan.FromSeconds(5)).TotalMilliseconds;
        double ceiling = Math.Min(capMs, baseMs * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ceiling / 2 + Random.Shared.NextDouble() * ceiling / 2);
    }
}
