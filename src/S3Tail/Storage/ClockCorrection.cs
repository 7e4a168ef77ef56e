namespace S3Tail.Storage;

/// <summary>
/// How far this machine's clock is from a server's. Until the direct GET path is refused for its
/// clock, it is the AWS SDK's own correction for the endpoint (which the SDK learns from every
/// answer, the listings' included), so GETs are signed with the SDK's corrected clock. S3
/// refuses a request whose X-Amz-Date is more than 15 minutes from its own time (403
/// RequestTimeTooSkewed) and says that time (ServerTime, and the Date header); the difference
/// from the middle of the request's round trip is then added to every later signing time. Off
/// when the SDK's correction is (AWSConfigs.CorrectForClockSkew, AWS_DISABLE_CLOCK_SKEW_CORRECTION).
/// </summary>
/// <param name="sdkCorrection">the SDK's current correction for the endpoint</param>
internal sealed class ClockCorrection(bool enabled, Func<TimeSpan> sdkCorrection)
{
    private long _ticks;
    private volatile bool _learnt;

    /// <summary>What to add to <see cref="DateTime.UtcNow"/> to get the server's time.</summary>
    public TimeSpan Correction => !enabled ? TimeSpan.Zero : _learnt ? Own : sdkCorrection();

    private TimeSpan Own => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>
    /// Takes the server's time from a refusal; true when the correction now differs from the one
    /// the refused request was signed with (<paramref name="signedWith"/>), so that signing it
    /// again would be accepted — also when a request running beside it learnt that first — and
    /// false when off or nothing was learnt.
    /// </summary>
    public bool Learn(DateTime? serverTime, DateTime sentAt, DateTime receivedAt, TimeSpan signedWith)
    {
        if (!enabled || serverTime is not { } server) return false;
        var middle = sentAt + (receivedAt - sentAt) / 2;
        var correction = server.ToUniversalTime() - middle;
        Interlocked.Exchange(ref _ticks, correction.Ticks);
        _learnt = true;
        return (correction - signedWith).Duration() > TimeSpan.FromMinutes(1);
    }
}
