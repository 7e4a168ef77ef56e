namespace S3Tail.Pipeline;

/// <summary>
/// How many objects may be fetched ahead of the one being written: fixed (<c>--prefetch N</c>),
/// or found while the run goes (<c>--prefetch auto</c>).
///
/// Auto works in rounds of one window's worth of objects, and at least <see cref="MinRound"/>
/// (shorter rounds measure noise). A round whose throughput (objects written a second) beat
/// the last by more than <see cref="Gain"/> widens the window — doubling
/// until the first round that does not improve, then by a quarter. A round that does not
/// improve after a widening undoes it (the extra downloads bought nothing), and otherwise holds. A throttling answer or any transient failure (503 SlowDown, 500, a cut
/// or stalled body) halves it at once and ends the doubling, as AWS advises for request-rate
/// limits — once a round, as TCP does once a round trip: the other failures of the same round
/// answered requests made before the halving. The window stays within [<see cref="Min"/>, <see cref="Max"/>] and starts at
/// <see cref="Start"/>: from 16 (the knee for fixed values at 20 ms) the ramp to 256 took four
/// rounds and cost 15–19% of a 10,000-object run at 20 and 80 ms; from 64 it takes two.
/// One owner, no lock: the run's dispatcher (<see cref="DispatchWindow"/>) feeds it the objects
/// written and the throttles its downloaders report by message, and reads it.
/// </summary>
internal sealed class PrefetchController
{
    public const int Min = 4, Max = 256, Start = 64;

    /// <summary>The throughput gain (5%) a round must show for the window to widen again.</summary>
    public const double Gain = 0.05;

    /// <summary>The shortest round: GC pauses and scheduling make a 5 ms round's rate meaningless.</summary>
    public static readonly TimeSpan MinRound = TimeSpan.FromMilliseconds(50);

    private readonly Func<TimeSpan> _clock;
    private readonly int? _fixed;
    private int _limit;
    private bool _doubling = true;
    private TimeSpan _roundStart;
    private int _roundDone;
    private double _lastRate;
    private int _beforeWidening;      // the window before the last widening, while it is on trial
    private double _rateBeforeWidening;
    private bool _onTrial;
    private bool _backedOffThisRound;
    private bool _measured;           // a round has been measured: the window moves by rounds only
    private bool _backedOff;          // throttled once: listing no longer opens the window
    private int _smallListed;

    /// <param name="fixedLimit">a fixed window, or null for auto.</param>
    /// <param name="clock">elapsed time (tests drive it); default a stopwatch.</param>
    public PrefetchController(int? fixedLimit, Func<TimeSpan>? clock = null)
    {
        _fixed = fixedLimit;
        _limit = fixedLimit ?? Start;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        _clock = clock ?? (() => watch.Elapsed);
        _roundStart = _clock();
    }

    public bool IsAuto => _fixed is null;

    /// <summary>The controller for a <see cref="TailRequest.Prefetch"/> value (<see cref="TailRequest.AutoPrefetch"/> or N).</summary>
    public static PrefetchController For(int prefetch) => new(prefetch == TailRequest.AutoPrefetch ? null : prefetch);

    /// <summary>The most objects that may be fetched and not yet written, now.</summary>
    public int Limit => _limit;

    /// <summary>
    /// With auto, the stored bytes of the objects in the window stay under this (256 MiB), so a
    /// wide window over large objects cannot fill the disk with spool files and cache entries:
    /// 256 objects of 100 MB would be 25 GB fetched ahead. One object larger than the budget is
    /// fetched alone. A fixed <c>--prefetch N</c> is taken at its word.
    /// </summary>
    public long? MaxBytesInFlight => _fixed is null ? AutoBytesInFlight : null;

    public const long AutoBytesInFlight = 256L * 1024 * 1024;

    /// <summary>The largest the window can ever be (the dispatcher makes this many downloaders).</summary>
    public int Ceiling => _fixed ?? Max;

    /// <summary>
    /// An object of <paramref name="storedSize"/> bytes was listed. Until the first round is
    /// measured, every small one (decoded in memory, <see cref="ObjectFetcher.SmallStoredBytes"/>)
    /// opens the window by one, up to <see cref="Max"/>: a page of small access logs then goes out
    /// in one round trip instead of being ramped to over several, each as long as a GET (575
    /// objects at 80 ms took nine round trips at 64). Memory stays bounded, 256 KiB of decoded
    /// bytes an object at most; a throttle still halves it.
    /// </summary>
    public void Listed(long storedSize)
    {
        if (_fixed is not null || _measured || _backedOff || storedSize > ObjectFetcher.SmallStoredBytes) return;
        _smallListed++;
        if (_smallListed > _limit) _limit = Math.Min(Max, _smallListed);
    }

    /// <summary><paramref name="count"/> objects were written out.</summary>
    public void Completed(int count)
    {
        if (_fixed is not null) return;
        _roundDone += count;
        if (_roundDone < _limit) return;
        var now = _clock();
        if (now - _roundStart < MinRound) return;
        double seconds = (now - _roundStart).TotalSeconds;
        double rate = seconds > 0 ? _roundDone / seconds : double.MaxValue;
        if (rate > _lastRate * (1 + Gain))
        {
            (_beforeWidening, _rateBeforeWidening, _onTrial) = (_limit, rate, true);
            _limit = Math.Min(Max, _doubling ? _limit * 2 : _limit + Math.Max(1, _limit / 4));
            _lastRate = rate;
        }
        else
        {
            _doubling = false;
            if (_onTrial)
            {
                (_limit, _lastRate, _onTrial) = (_beforeWidening, Math.Max(rate, _rateBeforeWidening), false);
            }
            else _lastRate = rate;
        }
        _roundStart = now;
        _roundDone = 0;
        _backedOffThisRound = false;
        _measured = true;
    }

    /// <summary>A request was throttled or failed transiently: back off.</summary>
    public void Throttled()
    {
        if (_fixed is not null) return;
        if (_backedOffThisRound) return;
        _backedOffThisRound = true;
        _backedOff = true;
        _limit = Math.Max(Min, _limit / 2);
        _doubling = false;
        _onTrial = false;
        // The next round measures the narrower window afresh.
        _lastRate = 0;
        _roundStart = _clock();
        _roundDone = 0;
    }
}
