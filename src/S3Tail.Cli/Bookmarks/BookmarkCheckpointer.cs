using S3Tail.Following;
using S3Tail.Logging;
using S3Tail.Cli.Following;
using S3Tail.Bookmarks;

namespace S3Tail.Cli.Bookmarks;

/// <summary>
/// Keeps a named bookmark saved while a run goes on: the engine reports each move
/// (<see cref="Moved"/>, cheap, any thread), a timer saves the latest position every
/// <see cref="Interval"/> when it changed, and <see cref="Finish"/> saves the final one. So a
/// `kill -9` or a power cut loses at most a few seconds of progress (lines written again on
/// resume), never the file. In follow mode it keeps the bookmark's <see cref="FollowState"/>
/// the same way, from what the run reports (<see cref="FollowChanged"/>), saved before the
/// bookmark so the two never claim more than was written.
/// </summary>
internal sealed class BookmarkCheckpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    private readonly string _configPath;
    private readonly string _name;
    private readonly ILog _log;
    private readonly Lock _gate = new();
    private readonly Timer _timer;
    private Bookmark? _latest;
    private Bookmark? _saved;
    private (FollowStateFile File, Func<DateTime> Floor)? _follow;
    private FollowProgress? _followLatest;
    private long _savedVersion = -1;

    public BookmarkCheckpointer(string configPath, string name, Bookmark? start, ILog log)
    {
        _configPath = configPath;
        _name = name;
        _log = log;
        _latest = _saved = start;
        _timer = new Timer(_ => Checkpoint(), null, Interval, Interval);
    }

    public void Moved(Bookmark bookmark) => Volatile.Write(ref _latest, bookmark);

    /// <summary>Also keeps the follow's state, as reported, in <paramref name="file"/>, bounded by the look-back window's floor.</summary>
    public void Follow(FollowStateFile file, Func<DateTime> floor)
    {
        lock (_gate) _follow = (file, floor);
    }

    /// <summary>The follow's state changed (cheap, any thread: it is an immutable value).</summary>
    public void FollowChanged(FollowProgress progress) => Volatile.Write(ref _followLatest, progress);

    /// <summary>
    /// Saves the final position (whatever ended the run) and the follow's final state, if the run
    /// reported one, and stops checkpointing.
    /// </summary>
    public void Finish(Bookmark? final, FollowProgress? followFinal = null)
    {
        _timer.Dispose();
        if (followFinal is not null) FollowChanged(followFinal);
        lock (_gate)
        {
            // A state that cannot be saved must not keep the bookmark from being saved.
            S3TailException? stateError = null;
            try { SaveFollowState(); }
            catch (S3TailException e) { stateError = e; }
            if (final is not null && final != _saved)
            {
                NamedBookmarks.Save(_configPath, _name, final);
                _saved = final;
                _log.Debug($"saved bookmark '{_name}' = {final}");
            }
            if (stateError is not null) throw stateError;
        }
    }

    private void Checkpoint()
    {
        lock (_gate)
        {
            var latest = Volatile.Read(ref _latest);
            try
            {
                SaveFollowState();
                if (latest is null || latest == _saved) return;
                NamedBookmarks.Save(_configPath, _name, latest);
                _saved = latest;
            }
            catch (Exception e)
            {
                // On a timer thread: an exception here would end the process. A checkpoint only warns.
                _log.Warn($"checkpoint of bookmark '{_name}' failed: {e.Message}");
            }
        }
    }

    private void SaveFollowState()
    {
        if (_follow is not { } f || Volatile.Read(ref _followLatest) is not { } progress) return;
        if (progress.Version == _savedVersion) return;
        f.File.Save(progress.ToState(f.Floor()));
        _savedVersion = progress.Version;
    }

    public void Dispose() => _timer.Dispose();
}
