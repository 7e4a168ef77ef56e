namespace S3Tail.Pipeline;

/// <summary>
/// How many objects each worker of a run fetched, and this machine's downloaders, for the run's
/// summary: a worker that fetched nothing (a wrong address, a worker busy elsewhere) shows as 0.
/// The dispatcher's alone: it reports the counts by message (<see cref="FetchTally"/>).
/// </summary>
internal sealed class WorkTally
{
    /// <summary>This machine's own downloaders, in the tally.</summary>
    public const string Here = "this machine";

    private readonly List<string> _order = [Here];
    private readonly Dictionary<string, long> _counts = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="addresses">The workers as --workers gave them (HOST:PORT).</param>
    public WorkTally(IEnumerable<string> addresses)
    {
        _counts[Here] = 0;
        foreach (var a in addresses)
            if (_counts.TryAdd(Key(a), 0)) _order.Add(a);
    }

    /// <summary>One more object fetched by <paramref name="who"/>: <see cref="Here"/>, or a worker's HOST:PORT.</summary>
    public void Fetched(string who)
    {
        string key = Key(who);
        if (!_counts.ContainsKey(key)) _order.Add(who);
        _counts[key] = _counts.GetValueOrDefault(key) + 1;
    }

    /// <summary>Each in the order given (this machine first) with its count.</summary>
    public IReadOnlyList<(string Who, long Objects)> Counts() =>
        _order.Select(w => (w, _counts.GetValueOrDefault(Key(w)))).ToList();

    /// <summary>IPv6 hosts come in brackets from --workers, without them from Akka's addresses.</summary>
    private static string Key(string who) => who.Replace("[", "").Replace("]", "");
}

/// <summary>Dispatcher → coordinator, after each object fetched in a run over workers: who fetched how many so far.</summary>
internal sealed record FetchTally(IReadOnlyList<(string Who, long Objects)> Counts);
