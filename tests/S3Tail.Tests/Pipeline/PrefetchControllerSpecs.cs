using S3Tail.Pipeline;

namespace S3Tail.Tests.Pipeline;

public sealed class PrefetchControllerSpecs
{
    /// <summary>
    /// A simulated link: each object takes <paramref name="latency"/>, at most
    /// <paramref name="capacity"/> can be in flight usefully (beyond it, throughput stops rising).
    /// Runs <paramref name="rounds"/> windows' worth of objects and returns the window it settled on.
    /// </summary>
    private static int Settle(PrefetchController c, ref TimeSpan now, double latencyMs, int capacity, int rounds)
    {
        for (int r = 0; r < rounds; r++)
        {
            int window = c.Limit;
            double rate = Math.Min(window, capacity) / latencyMs;   // objects per ms
            // A round: at least a window's worth of objects, and at least the controller's shortest round.
            int count = (int)Math.Max(window, Math.Ceiling(rate * PrefetchController.MinRound.TotalMilliseconds));
            now += TimeSpan.FromMilliseconds(count / rate);
            c.Completed(count);
        }
        return c.Limit;
    }

    [Fact]
    public void Should_never_move_a_fixed_window()
    {
        var c = new PrefetchController(8);
        c.Completed(1000);
        c.Throttled();
        Assert.Equal(8, c.Limit);
        Assert.Equal(8, c.Ceiling);
    }

    [Fact]
    public void Should_open_to_a_listed_page_of_small_objects_at_once_up_to_its_most()
    {
        var c = new PrefetchController(null);
        for (int i = 0; i < 100; i++) c.Listed(4_000);
        Assert.Equal(100, c.Limit);
        for (int i = 0; i < 900; i++) c.Listed(4_000);
        Assert.Equal(PrefetchController.Max, c.Limit);
    }

    [Fact]
    public void Should_not_open_for_objects_too_large_to_be_decoded_in_memory()
    {
        var c = new PrefetchController(null);
        for (int i = 0; i < 1000; i++) c.Listed(65_537);
        Assert.Equal(PrefetchController.Start, c.Limit);
    }

    [Fact]
    public void Should_open_no_more_by_listing_once_throttled_or_once_a_round_is_measured()
    {
        var throttled = new PrefetchController(null);
        for (int i = 0; i < 100; i++) throttled.Listed(4_000);
        throttled.Throttled();
        for (int i = 0; i < 500; i++) throttled.Listed(4_000);
        Assert.Equal(50, throttled.Limit);

        var now = TimeSpan.Zero;
        var measured = new PrefetchController(null, () => now);
        for (int i = 0; i < 70; i++) measured.Listed(4_000);
        now += TimeSpan.FromMilliseconds(100);
        measured.Completed(70);   // a round: 70 in 100 ms, the first rate, so it widens by doubling
        int afterRound = measured.Limit;
        for (int i = 0; i < 1000; i++) measured.Listed(4_000);
        Assert.Equal(afterRound, measured.Limit);
    }

    [Fact]
    public void Should_leave_a_fixed_window_alone_whatever_is_listed()
    {
        var c = new PrefetchController(8);
        for (int i = 0; i < 1000; i++) c.Listed(100);
        Assert.Equal(8, c.Limit);
    }

    [Theory]
    [InlineData(5, 40)]
    [InlineData(20, 100)]
    [InlineData(80, 200)]
    public void Should_grow_while_throughput_rises_and_stop_near_where_it_stops_rising(double latencyMs, int capacity)
    {
        var now = TimeSpan.Zero;
        var c = new PrefetchController(null, () => now);
        int settled = Settle(c, ref now, latencyMs, capacity, rounds: 40);
        Assert.InRange(settled, capacity, Math.Min(PrefetchController.Max, capacity * 2 + 8));
    }

    [Fact]
    public void Should_halve_on_throttling_and_stay_within_bounds()
    {
        var now = TimeSpan.Zero;
        var c = new PrefetchController(null, () => now);
        Settle(c, ref now, 20, 1000, rounds: 30);
        Assert.Equal(PrefetchController.Max, c.Limit);
        c.Throttled();
        Assert.Equal(PrefetchController.Max / 2, c.Limit);
        // More failures in the same round answer requests made before the halving: no more halving.
        c.Throttled();
        Assert.Equal(PrefetchController.Max / 2, c.Limit);
        // Round after round of failures: down to the floor, never below.
        for (int i = 0; i < 20; i++)
        {
            now += PrefetchController.MinRound;
            c.Completed(c.Limit);
            c.Throttled();
        }
        Assert.Equal(PrefetchController.Min, c.Limit);
    }

    [Fact]
    public void Should_grow_again_slowly_after_backing_off_when_the_link_allows()
    {
        var now = TimeSpan.Zero;
        var c = new PrefetchController(null, () => now);
        c.Throttled();
        int low = c.Limit;
        int after = Settle(c, ref now, 20, 1000, rounds: 3);
        Assert.True(after > low, $"stayed at {after}");
        // By a quarter now, not doubling: three rounds give at most about 2×, doubling would give 8×.
        Assert.True(after <= low * 2, $"{low} → {after}");
    }
}
