using S3Tail.Pipeline;

namespace S3Tail.Tests.Pipeline;

public sealed class NodeSharesSpecs
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Should_let_an_unmeasured_node_hold_an_even_part_of_the_window_at_most_four_and_leave_a_lone_node_to_the_window()
    {
        var now = TimeSpan.Zero;
        var shares = new NodeShares(() => now);
        for (int seq = 0; seq < 4; seq++)
        {
            Assert.True(shares.Admits("a", MiB, nodes: 3, window: 64));
            shares.Given("a", seq, MiB);
        }
        Assert.False(shares.Admits("a", MiB, nodes: 3, window: 64));
        Assert.True(shares.Admits("b", MiB, nodes: 3, window: 64));
        Assert.False(shares.Admits("a", MiB, nodes: 3, window: 6));   // 6 / 3 = 2 each
        Assert.True(shares.Admits("a", MiB, nodes: 1, window: 16));   // alone: only the window bounds it
    }

    [Fact]
    public void Should_hold_a_measured_node_to_what_it_ends_in_a_second_and_count_nothing_given_back()
    {
        var now = TimeSpan.Zero;
        var shares = new NodeShares(() => now);
        shares.Given("a", 0, MiB);
        shares.Given("a", 1, MiB);
        shares.Returned(1);                        // its holder was lost: not a measure of anything
        Assert.Null(shares.RateOf("a"));
        now = TimeSpan.FromSeconds(0.5);
        shares.Ended("a", 0);                      // 1 MiB in half a second: 2 MiB a second
        Assert.Equal(2.0 * MiB, shares.RateOf("a")!.Value, 1);

        shares.Given("a", 2, MiB);
        Assert.True(shares.Admits("a", MiB, nodes: 2, window: 64));    // 2 MiB held fits in 2 MiB a second
        shares.Given("a", 3, MiB);
        Assert.False(shares.Admits("a", MiB, nodes: 2, window: 64));   // 3 would not
        shares.Ended("b", 2);                      // another node's answer about it does not free it
        Assert.False(shares.Admits("a", MiB, nodes: 2, window: 64));
    }

    /// <summary>
    /// Two nodes pull 1 MiB objects, the slow one (1 MiB/s) always offered first, as this machine's
    /// downloaders are; the fast one ends 4 MiB/s. Each node's link serves what it holds one object
    /// after another. By hand: shares by rate are 1 : 4, so the fast node should end about 80 of
    /// 100 objects; taking by free slots, the slow node would take every object offered to it.
    /// </summary>
    [Fact]
    public void Should_give_the_larger_share_to_the_faster_node_when_the_slower_asks_first()
    {
        var now = TimeSpan.Zero;
        var shares = new NodeShares(() => now);
        var rates = new Dictionary<string, double> { ["slow"] = 1.0 * MiB, ["fast"] = 4.0 * MiB };
        var queues = rates.Keys.ToDictionary(n => n, _ => new Queue<long>());
        var progress = rates.Keys.ToDictionary(n => n, _ => 0.0);
        var ended = rates.Keys.ToDictionary(n => n, _ => 0);
        long next = 0;
        var step = TimeSpan.FromMilliseconds(5);
        while (ended.Values.Sum() < 100)
        {
            foreach (var node in new[] { "slow", "fast" })
                while (next < 100 && shares.Admits(node, MiB, nodes: 2, window: 64))
                {
                    shares.Given(node, next, MiB);
                    queues[node].Enqueue(next++);
                }
            now += step;
            foreach (var node in rates.Keys)
            {
                if (queues[node].Count == 0) continue;
                progress[node] += rates[node] * step.TotalSeconds;
                if (progress[node] < MiB) continue;
                progress[node] -= MiB;
                shares.Ended(node, queues[node].Dequeue());
                ended[node]++;
            }
        }
        Assert.InRange(ended["fast"], 70, 90);
    }
}
