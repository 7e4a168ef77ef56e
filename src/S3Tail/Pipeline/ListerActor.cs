using Akka.Actor;
using S3Tail.Listing;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Pipeline;

/// <summary>
/// Moves the listing's keys to the downloaders under credit, numbering them. What is listed and
/// skipped is the stages' business (<see cref="KeyListing"/>: async sequences of pages it pulls
/// one at a time); this actor owns their state and the follow's ledger (<see cref="FollowListing"/>).
/// It hands a key out only while the prefetch window has room: it starts with <c>prefetch</c>
/// credits, spends one a key, and gets one back from the sequencer each time an object is fully
/// written. Its credit is as wide as the prefetch window can ever be: the dispatcher's window
/// (<see cref="DispatchWindow"/>) is the real bound, in objects and, with auto, in stored bytes.
/// At most about two pages of keys are in memory however long the listing is, plus, when the
/// listing is split into concurrent key-time ranges (<see cref="SplitPaging"/>), the few pages
/// each range ahead holds.
///
/// <para>In follow mode the listing never ends. Once it runs dry the lister waits a poll
/// interval, then pulls a poll: the objects of the look-back window its ledger does not know, as
/// late, then the keys after the last one listed. Late objects travel the same path as the others
/// (credit, sequencer, writer); they only do not move the key-order bookmark. The sequencer tells
/// it as objects end (<see cref="FollowObjectsEnded"/>, <see cref="FollowLateLine"/>); it reports
/// the ledger's state to the request's callback, and its final counts when asked
/// (<see cref="ReportListing"/>).</para>
/// </summary>
internal sealed class ListerActor : ReceiveActor, IWithTimers
{
    /// <summary>Ask for the next page while fewer keys than this wait, so the pool never starves.</summary>
    private const int RefillBelow = 500;

    private readonly TailRequest _request;
    private readonly IActorRef _pool;
    private readonly IActorRef _sequencer;
    private readonly CancellationToken _stopping;
    private readonly ILog _log;
    private readonly Queue<(ObjectInfo Info, Placement Placement)> _waiting = new();
    private readonly RunProgress? _progress;
    private readonly KeyListing _listing;
    private readonly FollowListing? _follow;

    private readonly int _credit;   // keys it may hand out that are not written yet
    private int _inFlight;          // handed to the dispatcher and not yet written out
    private long _nextSeq;

    private IAsyncEnumerator<KeyPage>? _pages;   // the sequence being pulled; null once it ran dry
    private bool _pulling;                       // a page is being listed
    private string? _after;                      // where the key-order listing stopped: a follow lists on from there
    private Windowing.WindowCounts? _windowCounts;
    private bool _ended;
    private bool _polling;                       // follow: a poll is scheduled or under way

    public ListerActor(PipelineSettings settings, IActorRef pool, IActorRef sequencer)
    {
        var r = _request = settings.Request;
        _credit = settings.ListingCredit;
        _progress = r.Progress;
        _log = r.Log;
        _pool = pool;
        _sequencer = sequencer;
        _stopping = settings.Stopping.Token;
        _listing = new KeyListing(r.Source, r.Prefix, r.ListPageSize, r.Retry, r.Log, r.Bookmark, r.KeyFilter, r.Window, r.Follow)
        {
            // A source read in place (a local folder) lists without a round trip, continuing one
            // walk page after page: concurrent ranges would only start walks over.
            Split = r.SplitListing && !r.Source.ReadsInPlace ? new ListingSplit(r.Window, r.Follow?.Clock ?? TimeProvider.System) : null,
        };
        _follow = r.Follow is { } f ? new FollowListing(f, r.Bookmark?.Key) : null;
        _after = BookmarkSkip.StartAfter(r.Bookmark?.Key);

        Receive<PagePulled>(m => OnPage(m.Page));
        Receive<SequenceEnded>(_ =>
        {
            _pulling = false;
            _pages = null;
            Dispatch();
        });
        Receive<ListFailed>(OnListFailed);
        Receive<CreditReturned>(m =>
        {
            _inFlight -= m.Count;
            Dispatch();
        });
        Receive<PollDue>(_ => Poll());
        Receive<FollowObjectsEnded>(m =>
        {
            foreach (bool done in m.Done) _follow?.Ledger.Ended(done);
            ReportFollow();
        });
        Receive<FollowLateLine>(m =>
        {
            _follow?.Ledger.LateLineWritten(m.Key, m.Line);
            ReportFollow();
        });
        Receive<ReportListing>(_ => Sender.Tell(new ListingReport(_windowCounts, _follow?.Ledger.Progress)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(PipelineSettings settings, IActorRef pool, IActorRef sequencer) =>
        Akka.Actor.Props.Create(() => new ListerActor(settings, pool, sequencer));

    protected override void PreStart()
    {
        // A saved follow stopped inside a late object: finish that one first.
        if (_follow?.Resume() is { } partial)
            _waiting.Enqueue((new ObjectInfo(partial.Key, partial.ETag, partial.Size), new Placement(partial.Line, Late: true)));
        ReportFollow();
        // The caller may have listed the first page while the actor system started.
        _pages = _listing.FromStart(_request.FirstPage).GetAsyncEnumerator(_stopping);
        Pull();
    }

    private void OnPage(KeyPage page)
    {
        _pulling = false;
        if (page.Window is { } counts) _windowCounts = counts;
        if (page.LeftOut > 0) _progress?.LeftOut(page.LeftOut);
        if (page.Late) TakeLate(page);
        else
        {
            foreach (var info in page.Keys)
            {
                if (_follow is not null && !_follow.TakeNew(info)) continue;
                _waiting.Enqueue((info, new Placement(SkipLines: BookmarkSkip.LinesToSkip(_request.Bookmark, info.Key))));
                _progress?.Listed();
            }
            _after = page.After;
            // A page that says no more is its sequence's last: the listing ran dry.
            if (!page.More && _pages is { } pages)
            {
                _pages = null;
                _ = pages.DisposeAsync();
            }
        }
        ReportFollow();
        Dispatch();
    }

    private void OnListFailed(ListFailed failure)
    {
        _pulling = false;
        _pages = null;
        _ended = true;
        _sequencer.Tell(new ListingFailed(_nextSeq, failure.Reason));
    }

    private void Dispatch()
    {
        if (_ended) return;
        while (_inFlight < _credit && _waiting.TryDequeue(out var next))
        {
            _pool.Tell(new FetchObject(_nextSeq++, next.Info, next.Placement));
            _inFlight++;
        }
        if (_pages is not null && _waiting.Count < RefillBelow) Pull();
        else if (_pages is null && !_pulling)
        {
            if (_follow is not null) SchedulePoll();
            else if (_waiting.Count == 0)
            {
                _ended = true;
                _sequencer.Tell(new ListingCompleted(_nextSeq));
            }
        }
    }

    /// <summary>Asks the sequence for its next page; it comes back as a message.</summary>
    private void Pull()
    {
        if (_pulling || _pages is not { } pages) return;
        _pulling = true;
        NextAsync(pages).PipeTo(Self, success: m => m, failure: e => new ListFailed(Unwrap(e)));
    }

    private static async Task<object> NextAsync(IAsyncEnumerator<KeyPage> pages) =>
        await pages.MoveNextAsync().ConfigureAwait(false) ? new PagePulled(pages.Current) : SequenceEnded.Instance;

    /// <summary>The listing ran dry: report the poll that just ended, and wait for the next.</summary>
    private void SchedulePoll()
    {
        if (_polling) return;
        _polling = true;
        if (_follow!.PollEnded() is { } line) _log.Info(line);
        _progress?.Waiting(true);
        Timers.StartSingleTimer("poll", PollDue.Instance, _follow.Options.Poll);
    }

    /// <summary>A poll: look back for objects that arrived late, then list on.</summary>
    private void Poll()
    {
        var now = _follow!.Options.Clock.GetUtcNow().UtcDateTime;
        _follow.PollStarts(now);
        _progress?.Polled(now);
        ReportFollow();
        _pages = _listing.Poll(now, _follow.AnythingToFind, _follow.Newest, _after).GetAsyncEnumerator(_stopping);
        Pull();
    }

    private void TakeLate(KeyPage found)
    {
        foreach (var info in _follow!.TakeLate(found.Keys, _request.Bookmark?.Key))
        {
            _log.Info($"late object '{info.Key}' (it sorts before '{_follow.Newest}', written already)");
            _waiting.Enqueue((info, new Placement(Late: true)));
            _progress?.Listed();
            _progress?.Late();
        }
        _polling = false;
        _progress?.Waiting(false);
    }

    /// <summary>Tells the request's callback what the follow would save, when that changed.</summary>
    private void ReportFollow()
    {
        if (_follow?.Changes() is { } progress) _follow.Options.Changed?.Invoke(progress);
    }

    internal static Exception Unwrap(Exception e) =>
        e is AggregateException { InnerExceptions.Count: 1 } a ? Unwrap(a.InnerException!) : e;

    private sealed record PagePulled(KeyPage Page);

    private sealed record ListFailed(Exception Reason);

    private sealed record SequenceEnded
    {
        public static readonly SequenceEnded Instance = new();
    }

    private sealed record PollDue
    {
        public static readonly PollDue Instance = new();
    }
}
