using Akka.Actor;
using S3Tail.Following;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Pipeline;

/// <summary>
/// Pages through the listing and numbers the keys. It hands a key to the downloader pool only
/// while the prefetch window has room: it starts with <c>prefetch</c> credits, spends one a key,
/// and gets one back from the sequencer each time an object is fully written. So at most
/// <c>prefetch</c> objects are fetched-but-not-written, and at most about two pages of keys are
/// in memory however long the listing is. With auto, the window is also bounded in stored bytes
/// (<see cref="PrefetchController.MaxBytesInFlight"/>).
///
/// <para>In follow mode the listing never ends. Once it runs dry the lister waits a poll
/// interval, then looks back: it lists the look-back window again (<see cref="LookBackListing"/>)
/// and hands out, as late, every object there that the <see cref="FollowLedger"/> does not know;
/// then it goes on listing after the newest key handed out. Late objects travel the same path as
/// the others (credit, sequencer, writer); they only do not move the key-order bookmark.</para>
/// </summary>
public sealed class ListerActor : ReceiveActor, IWithTimers
{
    /// <summary>Ask for the next page while fewer keys than this wait, so the pool never starves.</summary>
    private const int RefillBelow = 500;

    private readonly IObjectSource _source;
    private readonly string _prefix;
    private readonly Bookmarks.Bookmark? _bookmark;
    private readonly Func<string, bool>? _filter;
    private readonly int _pageSize;
    private readonly IActorRef _pool;
    private readonly IActorRef _sequencer;
    private readonly CancellationToken _stopping;
    private readonly RetryPolicy _retry;
    private readonly ILog _log;
    private readonly Queue<(ObjectInfo Info, Placement Placement)> _waiting = new();
    private readonly Task<ListPage>? _firstPage;
    private readonly RunProgress? _progress;
    private readonly WindowScan? _window;
    private readonly FollowOptions? _follow;

    private readonly PrefetchController _prefetch;
    private int _inFlight;   // handed to the pool and not yet written out
    private long _bytesInFlight;                          // their stored sizes, summed
    private readonly Queue<long> _sizesInFlight = new();  // in hand-out order, which is the order they end in
    private long _nextSeq;
    private string? _startAfter;
    private bool _moreToList = true;
    private bool _listing;
    private bool _ended;

    // Follow mode only.
    private string? _newest;          // the greatest key handed out in key order; late objects sort before it
    private bool _sawTimedKey;        // a look-back is pointless under a prefix of keys without times
    private bool _polling;            // a poll is scheduled or under way
    private bool _firstLookBackDone;
    private int _newThisPoll, _lateThisPoll;
    private long _polls;

    public ListerActor(PipelineSettings settings, IActorRef pool, IActorRef sequencer)
    {
        var r = settings.Request;
        _source = r.Source;
        _prefix = r.Prefix;
        _bookmark = r.Bookmark;
        _filter = r.KeyFilter;
        _prefetch = settings.Prefetch;
        _pageSize = r.ListPageSize;
        _firstPage = r.FirstPage;
        _progress = r.Progress;
        _retry = r.Retry;
        _log = r.Log;
        _window = settings.Window;
        _follow = r.Follow;
        _pool = pool;
        _sequencer = sequencer;
        _stopping = settings.Stopping.Token;
        _startAfter = InitialStartAfter(_bookmark?.Key);
        _newest = _bookmark?.Key;

        Receive<PageListed>(OnPage);
        Receive<FirstPageFailed>(_ => OnFirstPageFailed());
        Receive<ListFailed>(OnListFailed);
        Receive<ObjectsWritten>(m =>
        {
            _inFlight -= m.Count;
            for (int i = 0; i < m.Count && _sizesInFlight.TryDequeue(out long size); i++) _bytesInFlight -= size;
            _prefetch.Completed(m.Count);
            Dispatch();
        });
        Receive<PollDue>(_ => LookBack());
        Receive<LookedBack>(OnLookedBack);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PipelineSettings settings, IActorRef pool, IActorRef sequencer) =>
        Akka.Actor.Props.Create(() => new ListerActor(settings, pool, sequencer));

    /// <summary>
    /// Where the listing starts for a run that resumes on <paramref name="firstKey"/>. StartAfter
    /// is exclusive and the bookmark's own key must be listed: start after the key less its last
    /// character (a prefix of it, so not after it); the few keys between that and the bookmark's
    /// key are dropped as pages arrive.
    /// </summary>
    public static string? InitialStartAfter(string? firstKey) =>
        firstKey is { Length: > 0 } ? firstKey[..^(char.IsLowSurrogate(firstKey[^1]) && firstKey.Length > 1 ? 2 : 1)] : null;

    protected override void PreStart()
    {
        // A saved follow stopped inside a late object: finish that one first.
        if (_follow?.Ledger.TakeResume() is { } partial)
            Enqueue(new ObjectInfo(partial.Key, partial.ETag, partial.Size), new Placement(partial.Line, Late: true));
        if (_firstPage is null)
        {
            RequestPage();
            return;
        }
        // The caller listed the first page while the actor system started; a failure here is
        // retried the ordinary way.
        _listing = true;
        _firstPage.PipeTo(Self, success: p => new PageListed(p), failure: _ => new FirstPageFailed());
    }

    private void OnFirstPageFailed()
    {
        _listing = false;
        RequestPage();
    }

    private void OnPage(PageListed page)
    {
        _listing = false;
        IReadOnlyList<ObjectInfo> objects = page.Page.Objects;
        string? next = objects.Count > 0 ? objects[^1].Key : _startAfter;
        string? last = next;
        if (_window is not null)
        {
            long outsideBefore = _window.OutsideWindow + _window.WithoutTime;
            (objects, next) = _window.Take(page.Page);
            _progress?.LeftOut(_window.OutsideWindow + _window.WithoutTime - outsideBefore);
        }
        foreach (var info in objects)
        {
            if (_bookmark is { } b && Utf8Order.Instance.Compare(info.Key, b.Key) < 0) continue;
            if (_filter is not null && !_filter(info.Key)) continue;
            if (_follow is not null && _follow.Ledger.IsDone(info)) continue;
            Enqueue(info, new Placement(SkipLines: _bookmark is { } at && at.Key == info.Key ? at.Line : 0));
            if (_follow is not null) _newThisPoll++;
            _progress?.Listed();
        }
        // A follow lists on after the last key seen, even when this listing is over.
        _startAfter = next ?? last;
        _moreToList = page.Page.IsTruncated && next is not null;
        Dispatch();
    }

    private void Enqueue(ObjectInfo info, Placement placement)
    {
        _waiting.Enqueue((info, placement));
        if (_follow is null) return;
        _follow.Ledger.Handed(info);
        if (!placement.Late && (_newest is null || Utf8Order.Instance.Compare(info.Key, _newest) > 0)) _newest = info.Key;
        _sawTimedKey |= KeyTime.PeriodOf(info.Key) is not null;
    }

    private void OnListFailed(ListFailed failure)
    {
        _listing = false;
        _ended = true;
        _sequencer.Tell(new ListingFailed(_nextSeq, failure.Reason));
    }

    private void Dispatch()
    {
        if (_ended) return;
        int limit = _prefetch.Limit;
        long? maxBytes = _prefetch.MaxBytesInFlight;
        while (_inFlight < limit && _waiting.TryPeek(out var next)
               && (_inFlight == 0 || maxBytes is null || _bytesInFlight + next.Info.Size <= maxBytes))
        {
            _waiting.Dequeue();
            _pool.Tell(new FetchObject(_nextSeq++, next.Info, next.Placement));
            _inFlight++;
            _bytesInFlight += next.Info.Size;
            _sizesInFlight.Enqueue(next.Info.Size);
        }
        if (_moreToList && _waiting.Count < RefillBelow) RequestPage();
        else if (!_moreToList && !_listing)
        {
            if (_follow is not null) SchedulePoll();
            else if (_waiting.Count == 0)
            {
                _ended = true;
                _sequencer.Tell(new ListingCompleted(_nextSeq));
            }
        }
    }

    private void RequestPage()
    {
        if (_listing) return;
        _listing = true;
        string? startAfter = _startAfter;
        _retry.RunAsync(ct => _source.ListAsync(_prefix, startAfter, _pageSize, ct), m => _log.Warn($"listing: {m}"), _stopping)
            .PipeTo(Self, success: p => new PageListed(p), failure: e => new ListFailed(Unwrap(e)));
    }

    /// <summary>The listing ran dry: report the poll that just ended, and wait for the next.</summary>
    private void SchedulePoll()
    {
        if (_polling) return;
        _polling = true;
        if (_polls > 0)
            _log.Info($"poll: {_newThisPoll} new, {_lateThisPoll} late object(s); {_follow!.Ledger.KnownCount} known in the look-back window");
        _newThisPoll = _lateThisPoll = 0;
        _progress?.Waiting(true);
        Timers.StartSingleTimer("poll", PollDue.Instance, _follow!.Poll);
    }

    /// <summary>A poll: list the look-back window again for objects that arrived late.</summary>
    private void LookBack()
    {
        _polls++;
        var now = _follow!.Clock.GetUtcNow().UtcDateTime;
        var floor = now - _follow.LookBack;
        _follow.Ledger.Forget(floor);
        _progress?.Polled(now);
        var since = _window?.Window.Since is { } s && s > floor ? s : floor;
        var until = _window?.Window.Until;
        if (!_sawTimedKey && _follow.Ledger.KnownCount == 0 || until <= since)
        {
            OnLookedBack(new LookedBack([]));
            return;
        }
        LookBackListing.ListAsync(_source, _prefix, new TimeWindow(since, until), _newest, _pageSize, _retry, _log, _stopping)
            .PipeTo(Self, success: found => new LookedBack(found), failure: e => new ListFailed(Unwrap(e)));
    }

    private void OnLookedBack(LookedBack looked)
    {
        foreach (var info in looked.Found)
        {
            if (_follow!.Ledger.IsDone(info)) continue;
            // A new follow takes what was there before its bookmark as done: it resumes key order only.
            if (!_follow.Ledger.Resumed && !_firstLookBackDone && _bookmark is { } b && Utf8Order.Instance.Compare(info.Key, b.Key) < 0)
            {
                _follow.Ledger.PassedOver(info);
                continue;
            }
            _log.Info($"late object '{info.Key}' (it sorts before '{_newest}', written already)");
            Enqueue(info, new Placement(Late: true));
            _lateThisPoll++;
            _progress?.Listed();
            _progress?.Late();
        }
        _firstLookBackDone = true;
        _polling = false;
        _progress?.Waiting(false);
        _moreToList = true;
        Dispatch();
    }

    internal static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException!) : e;

    private sealed record PageListed(ListPage Page);

    private sealed record ListFailed(Exception Reason);

    private sealed record FirstPageFailed;

    private sealed record PollDue
    {
        public static readonly PollDue Instance = new();
    }

    private sealed record LookedBack(List<ObjectInfo> Found);
}
