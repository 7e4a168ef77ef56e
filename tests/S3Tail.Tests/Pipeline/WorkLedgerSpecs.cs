using S3Tail.Pipeline;

namespace S3Tail.Tests.Pipeline;

public sealed class WorkLedgerSpecs
{
    [Fact]
    public void Should_hand_out_the_lowest_waiting_pieces_first()
    {
        var ledger = new WorkLedger<string>();
        for (int i = 0; i < 6; i++) ledger.Add(i, $"k{i}");

        Assert.Equal([0L, 1L], ledger.Take("w1", 2).Select(t => t.Seq));
        Assert.Equal([2L, 3L, 4L], ledger.Take("local", 3).Select(t => t.Seq));
        Assert.Equal(1, ledger.Waiting);
        Assert.Equal(5, ledger.Held);
    }

    [Fact]
    public void Should_give_a_lost_workers_pieces_to_the_next_to_ask_and_ignore_its_late_answers()
    {
        var ledger = new WorkLedger<string>();
        for (int i = 0; i < 4; i++) ledger.Add(i, $"k{i}");
        ledger.Take("w1", 2);       // 0, 1
        ledger.Take("local", 1);    // 2

        Assert.Equal([0L, 1L], ledger.Lost("w1"));
        // They go before 3, which waited all along: the sequencer needs 0 first.
        Assert.Equal([(0L, "k0"), (1L, "k1"), (3L, "k3")], ledger.Take("local", 5));
        Assert.False(ledger.Complete("w1", 0));   // the lost worker answers after all: ignored
        Assert.True(ledger.Complete("local", 0));
        Assert.False(ledger.Complete("local", 0)); // and never twice
    }

    [Fact]
    public void Should_refuse_a_piece_added_twice()
    {
        var ledger = new WorkLedger<string>();
        ledger.Add(0, "a");
        ledger.Take("w", 1);
        Assert.Throws<InvalidOperationException>(() => ledger.Add(0, "a"));
    }

    /// <summary>
    /// Random interleavings of pieces arriving, workers asking, finishing (on time or late),
    /// dying and coming back: every piece is accepted as done exactly once, only from the worker
    /// holding it, and what is handed out is always the lowest waiting.
    /// </summary>
    [Fact]
    public void Should_complete_every_piece_exactly_once_whatever_happens()
    {
        var random = new Random(15_2026);
        for (int round = 0; round < 300; round++)
        {
            var ledger = new WorkLedger<long>();
            string[] workers = ["local", "w1", "w2", "w3"];
            int total = random.Next(1, 80), added = 0;
            var done = new HashSet<long>();
            var holders = new Dictionary<long, string>();   // what the test believes each worker holds
            var waitingModel = new SortedSet<long>();
            for (int step = 0; step < 2_000 && done.Count < total; step++)
            {
                switch (random.Next(6))
                {
                    case 0 when added < total:
                        ledger.Add(added, added);
                        waitingModel.Add(added++);
                        break;
                    case 1:
                    {
                        string worker = workers[random.Next(workers.Length)];
                        int ask = random.Next(1, 6);
                        var expected = waitingModel.Take(ask).ToList();
                        var taken = ledger.Take(worker, ask);
                        Assert.Equal(expected, taken.Select(t => t.Seq));
                        Assert.All(taken, t => Assert.Equal(t.Seq, t.Piece));
                        foreach (var (seq, _) in taken) { waitingModel.Remove(seq); holders[seq] = worker; }
                        break;
                    }
                    case 2 or 3 when holders.Count > 0:
                    {
                        var (seq, holder) = holders.ElementAt(random.Next(holders.Count));
                        Assert.True(ledger.Complete(holder, seq));
                        Assert.True(done.Add(seq), $"round {round}: {seq} done twice");
                        holders.Remove(seq);
                        break;
                    }
                    case 4:
                    {
                        // A stale or unknown answer: never accepted.
                        long seq = random.Next(Math.Max(1, added));
                        string worker = workers[random.Next(workers.Length)];
                        bool holds = holders.TryGetValue(seq, out var h) && h == worker;
                        if (!holds) Assert.False(ledger.Complete(worker, seq));
                        break;
                    }
                    case 5:
                    {
                        string worker = workers[1 + random.Next(workers.Length - 1)];   // the run's node never dies
                        var back = ledger.Lost(worker);
                        var expected = holders.Where(p => p.Value == worker).Select(p => p.Key).Order().ToList();
                        Assert.Equal(expected, back);
                        foreach (long seq in back) { holders.Remove(seq); waitingModel.Add(seq); }
                        break;
                    }
                }
                Assert.Equal(waitingModel.Count, ledger.Waiting);
                Assert.Equal(holders.Count, ledger.Held);
            }
            // Whatever is left, the run's own downloaders finish.
            while (added < total) { ledger.Add(added, added); added++; }
            foreach (var (seq, holder) in holders.ToList()) { Assert.True(ledger.Complete(holder, seq)); done.Add(seq); }
            foreach (var (seq, _) in ledger.Take("local", int.MaxValue)) { Assert.True(ledger.Complete("local", seq)); Assert.True(done.Add(seq)); }
            Assert.Equal(Enumerable.Range(0, total).Select(i => (long)i), done.Order());
            Assert.Equal(0, ledger.Waiting + ledger.Held);
        }
    }
}
