namespace S3Tail.Pipeline;

/// <summary>
/// The dispatcher's prefetch window: which objects are given out and not yet written, and
/// whether one more may go. A plain type with no actor in it; the dispatcher owns it, and with it
/// the run's <see cref="PrefetchController"/>, which nothing else touches.
///
/// At most <see cref="PrefetchController.Limit"/> objects are out at once; with auto, their
/// stored bytes stay within <see cref="PrefetchController.MaxBytesInFlight"/>, except that one
/// object is always let out alone however large. The sequencer writes objects in sequence order,
/// so the objects a <see cref="Written"/> counts are the lowest ones out.
/// </summary>
internal sealed class DispatchWindow(PrefetchController prefetch)
{
    private readonly SortedDictionary<long, long> _out = new();   // seq → stored size
    private long _bytesOut;

    /// <summary>Objects given out and not yet written (or given back).</summary>
    public int Out => _out.Count;

    /// <summary>How many may be out at once now.</summary>
    public int Limit => prefetch.Limit;

    /// <summary>Whether an object of <paramref name="size"/> stored bytes may go out now.</summary>
    public bool Admits(long size) =>
        _out.Count < prefetch.Limit && (_out.Count == 0 || prefetch.MaxBytesInFlight is not { } max || _bytesOut + size <= max);

    /// <summary>Object <paramref name="seq"/> went out.</summary>
    public void Given(long seq, long size)
    {
        _out.Add(seq, size);
        _bytesOut += size;
    }

    /// <summary>Object <paramref name="seq"/> came back unfetched (its holder is gone); it waits to go out again.</summary>
    public void Returned(long seq)
    {
        if (_out.Remove(seq, out long size)) _bytesOut -= size;
    }

    /// <summary>The sequencer ended <paramref name="count"/> more objects: they leave the window, and auto measures the round.</summary>
    public void Written(int count)
    {
        for (int i = 0; i < count && _out.Count > 0; i++)
        {
            var (seq, size) = _out.First();
            _out.Remove(seq);
            _bytesOut -= size;
        }
        prefetch.Completed(count);
    }

    /// <summary>An object of <paramref name="size"/> stored bytes was listed (auto opens for a page of small ones).</summary>
    public void Listed(long size) => prefetch.Listed(size);

    /// <summary>A request was throttled or failed transiently: auto backs off.</summary>
    public void Throttled() => prefetch.Throttled();
}
