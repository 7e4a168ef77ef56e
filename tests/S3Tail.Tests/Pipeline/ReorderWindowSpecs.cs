using S3Tail.Bookmarks;
using S3Tail.Pipeline;

namespace S3Tail.Tests.Pipeline;

public sealed class ReorderWindowSpecs
{
    private sealed record Outcome(bool Fails);

    [Fact]
    public void Should_release_strictly_in_order_whatever_the_arrival_order()
    {
        var window = new ReorderWindow<Outcome>();
        window.Arrive(2, new Outcome(false));
        window.Arrive(1, new Outcome(false));
        Assert.False(window.TryRelease(out _, out _));
        window.Arrive(0, new Outcome(false));
        Assert.True(window.TryRelease(out long seq, out _));
        Assert.Equal(0, seq);
        // Object 0 is being read: 1 waits, however ready.
        Assert.False(window.TryRelease(out _, out _));
        window.ReadCompleted(0);
        Assert.True(window.TryRelease(out seq, out _));
        Assert.Equal(1, seq);
    }

    [Fact]
    public void Should_end_an_object_only_after_its_last_batch_is_acknowledged()
    {
        var window = new ReorderWindow<Outcome>();
        window.Arrive(0, new Outcome(false));
        window.TryRelease(out _, out _);
        window.BatchSent(0);
        window.BatchSent(0);
        window.ReadCompleted(0);
        Assert.Empty(window.TakeEnded());
        window.BatchAcknowledged(0, "k", 10);
        Assert.Empty(window.TakeEnded());
        window.BatchAcknowledged(0, "k", 20);
        Assert.Equal([new EndedObject(0, false)], window.TakeEnded());
        Assert.Equal(new Bookmark("k", 20), window.Bookmark);
    }

    [Fact]
    public void Should_end_an_object_abandoned_after_part_of_it_was_written_exactly_once()
    {
        // The path that hung before: an object fails after some batches went out, and is skipped.
        var window = new ReorderWindow<Outcome>();
        window.Arrive(0, new Outcome(false));
        window.Arrive(1, new Outcome(false));
        window.ListingEnded(2);
        window.TryRelease(out _, out _);
        window.BatchSent(0);
        window.Abandon(0);
        Assert.True(window.TryRelease(out long next, out _));
        Assert.Equal(1, next);
        window.BatchAcknowledged(0, "a", 5);
        window.BatchSent(1);
        window.ReadCompleted(1);
        window.BatchAcknowledged(1, "b", 1);
        Assert.Equal([new EndedObject(0, true), new EndedObject(1, false)], window.TakeEnded());
        Assert.True(window.AllEnded);
    }

    [Fact]
    public void Should_refuse_an_object_that_arrives_twice()
    {
        var window = new ReorderWindow<Outcome>();
        window.Arrive(0, new Outcome(false));
        Assert.Throws<InvalidOperationException>(() => window.Arrive(0, new Outcome(false)));
    }

    /// <summary>
    /// Random interleavings of arrivals (in any order), fetch failures, batches, acknowledgements
    /// (in writer order), reads that fail midway, and stops. Whatever happens: every object ends
    /// exactly once, gives exactly one credit, is released in order, and the bookmark never moves
    /// backwards; a stopped run drains to no batch in flight.
    /// </summary>
    [Fact]
    public void Should_keep_its_invariants_under_random_interleavings()
    {
        var random = new Random(8_2026);
        for (int round = 0; round < 2000; round++) RunOnce(random, round);
    }

    private static void RunOnce(Random random, int round)
    {
        int count = random.Next(0, 25);
        bool stopEarly = random.Next(4) == 0;
        var start = random.Next(3) == 0 ? new Bookmark("k000", 3) : null;
        var window = new ReorderWindow<Outcome>(start);
        var toArrive = Enumerable.Range(0, count).OrderBy(_ => random.Next()).ToList();
        var inFlight = new Queue<(long Seq, long? Line)>();
        var ended = new List<EndedObject>();
        var lines = new Dictionary<long, long>();
        long lastReleased = -1;
        bool listingEnded = false, stopped = false;
        int credit = 0;
        (long Seq, long Line)? lastBookmark = start is null ? null : (-1, start.Line);

        for (int step = 0; step < 10_000; step++)
        {
            if (stopEarly && !stopped && random.Next(40) == 0) stopped = true;
            if (stopped && inFlight.Count == 0) break;
            if (!stopped && window.AllEnded) break;
            switch (random.Next(6))
            {
                case 0 when toArrive.Count > 0 && !stopped:
                    int i = random.Next(toArrive.Count);
                    window.Arrive(toArrive[i], new Outcome(random.Next(8) == 0));
                    toArrive.RemoveAt(i);
                    break;
                case 1 when !listingEnded && toArrive.Count == 0:
                    window.ListingEnded(count);
                    listingEnded = true;
                    break;
                case 2 when !stopped && window.TryRelease(out long seq, out var outcome):
                    Assert.Equal(lastReleased + 1, seq);
                    lastReleased = seq;
                    if (outcome.Fails) window.Abandon(seq);
                    break;
                case 3 when !stopped && window.Reading is { } reading && window.BatchesInFlight < 4:
                    window.BatchSent(reading);
                    // A batch completes a few lines, or none (a piece of a long line).
                    long line = lines.GetValueOrDefault(reading) + random.Next(0, 3);
                    lines[reading] = line;
                    inFlight.Enqueue((reading, line == 0 ? null : line));
                    break;
                case 4 when !stopped && window.Reading is { } reading2:
                    if (random.Next(5) == 0) window.Abandon(reading2);
                    else window.ReadCompleted(reading2);
                    break;
                case 5 when inFlight.Count > 0:
                    var (ackSeq, ackLine) = inFlight.Dequeue();
                    // A stopped writer acknowledges without writing.
                    long? written = stopped && random.Next(2) == 0 ? null : ackLine;
                    var before = window.Bookmark;
                    bool moved = window.BatchAcknowledged(ackSeq, $"k{ackSeq:D3}", written);
                    if (moved)
                    {
                        Assert.True(lastBookmark is null || ackSeq > lastBookmark.Value.Seq
                                    || (ackSeq == lastBookmark.Value.Seq && written > lastBookmark.Value.Line),
                            $"round {round}: the bookmark moved backwards from {before} to {window.Bookmark}");
                        lastBookmark = (ackSeq, written!.Value);
                    }
                    else Assert.Equal(before, window.Bookmark);
                    break;
            }
            var now = window.TakeEnded();
            credit += now.Count;
            ended.AddRange(now);
        }

        Assert.Equal(0, window.BatchesInFlight);
        Assert.Equal(ended.Count, ended.Select(e => e.Seq).Distinct().Count());
        Assert.Equal(ended.Count, credit);
        Assert.Equal(ended.Select(e => e.Seq).Order(), ended.Select(e => e.Seq));
        if (!stopped)
        {
            Assert.True(window.AllEnded, $"round {round}: the run did not end");
            Assert.Equal(Enumerable.Range(0, count).Select(i => (long)i), ended.Select(e => e.Seq));
        }
    }
}
