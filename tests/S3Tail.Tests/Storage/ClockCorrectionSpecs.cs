using S3Tail.Storage;

namespace S3Tail.Tests.Storage;

public sealed class ClockCorrectionSpecs
{
    /// <summary>
    /// Several GETs signed with the old clock are refused at once: each must be signed again with
    /// the server's time, not only the first to learn it (the others were left to the retry policy's
    /// backoff, spending its tries).
    /// </summary>
    [Fact]
    public void Should_have_every_request_signed_with_the_old_clock_signed_again_after_the_first_learnt_the_server_time()
    {
        var clock = new ClockCorrection(enabled: true, () => TimeSpan.Zero);
        var now = DateTime.UtcNow;
        var server = now.AddMinutes(20);
        var signedWith = clock.Correction;   // both requests went out before either answer came back

        Assert.True(clock.Learn(server, now, now, signedWith));
        Assert.True(clock.Learn(server, now, now, signedWith));
        Assert.InRange(clock.Correction, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(21));
    }

    [Fact]
    public void Should_not_sign_again_a_request_already_signed_with_the_servers_time_or_when_off()
    {
        var clock = new ClockCorrection(enabled: true, () => TimeSpan.Zero);
        var now = DateTime.UtcNow;
        clock.Learn(now.AddMinutes(20), now, now, TimeSpan.Zero);
        Assert.False(clock.Learn(now.AddMinutes(20), now, now, clock.Correction));

        var off = new ClockCorrection(enabled: false, () => TimeSpan.Zero);
        Assert.False(off.Learn(now.AddMinutes(20), now, now, TimeSpan.Zero));
        Assert.Equal(TimeSpan.Zero, off.Correction);
    }
}
