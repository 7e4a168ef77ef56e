using Akka.Actor;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Windowing;

namespace S3Tail.Pipeline;

/// <summary>
/// Pages through the listing and numbers the keys. It hands a key to the downloader pool only
/// while the prefetch window has room: it starts with <c>prefetch</c> credits, spends one a key,
/// and gets one back from the sequencer each time an object is fully written. So at most
/// <c>prefetch</c> objects are fetched-but-not-written, and at most about two pages of keys are
/// in memory however long the listing is.
/// </summary>
public sealed class ListerActor : ReceiveActor
{
    /// <summary>Ask for the next page while fewer keys than this wait, so the pool never starves.</summary>
    private const int RefillBelow = 500;

    private readonly IObjectSource _source;
    private readonly string _prefix;
    private readonly string? _firstKey;
    private readonly Func<string, bool>? _filter;
    private readonly int _pageSize;
    private readonly IActorRef _pool;
    private readonly IActorRef _sequencer;
    private readonly CancellationToken _stopping;
    private readonly RetryPolicy _retry;
    private readonly ILog _log;
    private readonly Queue<ObjectInfo> _waiting = new();
    private readonly Task<ListPage>? _firstPage;
    private readonly RunProgress? _progress;
    private readonly WindowScan? _window;

    private readonly PrefetchController _prefetch;
    private int _inFlight;   // handed to the pool and not yet written out
    private long _nextSeq;
    private string? _startAfter;
    private bool _moreToList = true;
    private bool _listing;
    private bool _ended;

    public ListerActor(PipelineSettings settings, IActorRef pool, IActorRef sequencer)
    {
        var r = settings.Request;
        _source = r.Source;
        _prefix = r.Prefix;
        _firstKey = r.Bookmark?.Key;
        _filter = r.KeyFilter;
        _prefetch = settings.Prefetch;
        _pageSize = r.ListPageSize;
        _firstPage = r.FirstPage;
        _progress = r.Progress;
        _window = settings.Window;
        _retry = r.Retry;
        _log = r.Log;
        _pool = pool;
        _sequencer = sequencer;
        _stopping = settings.Stopping.Token;
        _startAfter = InitialStartAfter(_firstKey);

        Receive<PageListed>(OnPage);
        Receive<FirstPageFailed>(_ => OnFirstPageFailed());
        Receive<ListFailed>(OnListFailed);
        Receive<ObjectsWritten>(m =>
        {
            _inFlight -= m.Count;
            _prefetch.Completed(m.Count);
            Dispatch();
        });
    }

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
        if (_window is not null)
        {
            long outsideBefore = _window.OutsideWindow + _window.WithoutTime;
            (objects, next) = _window.Take(page.Page);
            _progress?.LeftOut(_window.OutsideWindow + _window.WithoutTime - outsideBefore);
        }
        foreach (var info in objects)
        {
            if (_firstKey is not null && Utf8Order.Instance.Compare(info.Key, _firstKey) < 0) continue;
            if (_filter is not null && !_filter(info.Key)) continue;
            _waiting.Enqueue(info);
            _progress?.Listed();
        }
        _startAfter = next ?? _startAfter;
        _moreToList = page.Page.IsTruncated && next is not null;
        Dispatch();
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
        while (_inFlight < limit && _waiting.TryDequeue(out var info))
        {
            _pool.Tell(new FetchObject(_nextSeq++, info));
            _inFlight++;
        }
        if (_moreToList && _waiting.Count < RefillBelow) RequestPage();
        else if (!_moreToList && _waiting.Count == 0 && !_listing)
        {
            _ended = true;
            _sequencer.Tell(new ListingCompleted(_nextSeq));
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

    internal static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException!) : e;

    private sealed record PageListed(ListPage Page);

    private sealed record ListFailed(Exception Reason);

    private sealed record FirstPageFailed;
}
