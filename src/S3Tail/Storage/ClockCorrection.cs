namespace S3Tail.Storage;

/// <summary>
/// How far this machine's clock is from a server's, as the AWS SDK measures it: S3 refuses a
/// request whose X-Amz-Date is more than 15 minutes from its own time (403 RequestTimeTooSkewed)
/// and says that time (ServerTime, and the Date header). The difference from the middle of the
/// request's round trip is added to every later signing time. Off when the SDK's correction is
/// (AWSConfigs.CorrectForClockSkew, AWS_DISABLE_CLOCK_SKEW_CORRECTION).
/// </summary>
internal sealed class ClockCorrection(bool enabled)
{
    private long _ticks;

    /// <summary>What to add to <see cref="DateTime.UtcNow"/> to get the server's time.</summary>
    public TimeSpan Correction => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>
    /// Takes the server's time from a refusal; true when that changes the correction (a request
    /// signed again now would be accepted), false when off or nothing was learnt.
    /// </summary>
    public bool Learn(DateTime? serverTime, DateTime sentAt, DateTime receivedAt)
    {
        if (!enabled || serverTime is not { } server) return false;
        var middle = sentAt + (receivedAt - sentAt) / 2;
        var correction = server.ToUniversalTime() - middle;
        var before = Correction;
        Interlocked.Exchange(ref _ticks, correction.Ticks);
        return (correction - before).Duration() > TimeSpan.FromMinutes(1);
    }
}
