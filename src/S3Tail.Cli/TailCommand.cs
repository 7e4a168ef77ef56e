using System.Diagnostics;
using System.Runtime.InteropServices;
using S3Tail.Bookmarks;
using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Following;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Cli.Bookmarks;
using S3Tail.Cli.Following;
using S3Tail.Cli.Output;

namespace S3Tail.Cli;

/// <summary>One run of s3tail: settings → source → engine → bookmark line and exit code.</summary>
internal static class TailCommand
{
    public static async Task<ExitCode> RunAsync(CliSettings cli, CliHost host, CancellationToken cancellationToken)
    {
        var startup = new StartupClock();
        startup.Mark("command parsed");
        using var signals = host.OwnsProcess ? SignalStop.Listen() : SignalStop.None();
        var stderr = host.Error;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(signals.Token, cancellationToken);
        stderr = new SafeTextWriter(stderr);
        var stderrGate = new Lock();
        ILog log = new TextLog(stderr, LogLevel.Warning, gate: stderrGate);
        TextLog? stderrLog = null;
        bool debug = false, quiet = cli.Quiet;
        TextWriter? logFile = null;
        // Whatever ends the run prints the bookmark of what was written: the engine's result once the
        // run has begun (it reports a crash as a result too), the starting bookmark before that.
        Bookmark? written = null;
        try
        {
            var settings = RunSettings.From(cli, host);
            written = settings.Bookmark;
            // The settings are good: start the actor system on another core while this one
            // builds the S3 client and lists the first page (each ~0.2 s in a cold process).
            startup.Mark("settings read");
            var actorSystem = settings.CacheLookup ? null : Task.Run(() =>
            {
                var made = S3TailEngine.CreateActorSystem(settings.LogLevel);
                startup.Mark("actor system up");
                return made;
            });
            // The secret's certificate is slow to make on purpose (a KDF): once, beside the rest.
            var identity = settings.Workers is null ? null : Task.Run(() => S3Tail.Workers.ClusterIdentity.Certificate(settings.ClusterSecret!));
            debug = settings.LogLevel == LogLevel.Debug;
            (log, stderrLog, logFile) = RunLog.Open(settings, stderr, stderrGate);
            foreach (var warning in settings.Warnings) log.Warn(warning);

            using IObjectSource source = settings.Source.IsLocal
                ? new LocalFolderSource(settings.Source.Bucket)
                : new S3ObjectSource(settings.Source.Bucket, settings.S3, log);
            var (cache, sweep) = OpenCache(settings, source, log);
            startup.Mark("source made");

            if (settings.CacheLookup)
            {
                try
                {
                    await CacheLookupCommand.RunAsync(source, settings.Source.Prefix, settings.Window, cache, host.Out,
                        settings.Retry, stop.Token, (settings.Decoding ?? DecodeOptions.Default).CacheSuffix);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested) { }
                return signals.Signal is { } signal ? ExitCodes.For(signal) : ExitCode.Ok;
            }
            // The sweep runs beside the work; a short run waits a moment for it rather than cut it off.
            await using var sweepWait = new AwaitOnDispose(sweep, TimeSpan.FromSeconds(1));

            using var output = OpenStdout(host.OutputFd);
            using var checkpointer = settings.BookmarkName is { } name
                ? new BookmarkCheckpointer(settings.ConfigPath, name, settings.Bookmark, log)
                : null;
            var follow = settings.Follow is { } f ? Follow(settings, f, checkpointer, log, host) : null;
            var progress = ProgressLine.Wanted(cli.Progress, host.ErrorIsTerminal) ? new RunProgress() : null;
            var firstPage = S3TailEngine.StartListing(source, settings.Source.Prefix, settings.Bookmark, settings.Retry, stop.Token);
            if (debug) _ = firstPage.ContinueWith(_ => startup.Mark("first page listed"), TaskScheduler.Default);
            var request = new TailRequest
            {
                Progress = progress,
                FirstPage = firstPage,
                Retry = settings.Retry,
                BookmarkMoved = checkpointer is null ? null : checkpointer.Moved,
                Source = source,
                Prefix = settings.Source.Prefix,
                Bookmark = settings.Bookmark,
                Window = settings.Window,
                Follow = follow,
                Filter = settings.Filter,
                MaxLines = settings.MaxLines,
                Decoding = settings.Decoding ?? DecodeOptions.Default,
                Prefetch = settings.Prefetch,
                Cache = cache,
                SkipErrors = settings.SkipErrors,
                Log = log,
            };
            if (settings.Workers is { } w && await identity! is var own)
                request = request with
                {
                    Workers = S3Tail.Workers.WorkerSet.For(w, own, settings.Source.Bucket, settings.S3),
                };
            log.Debug($"stdout is written as {output.Kind}");
            var clock = Stopwatch.StartNew();
            var progressLine = progress is null ? null : new ProgressLine(progress, stderr, stderrGate, filtering: settings.Filter is not null, columns: host.Variables("COLUMNS"));
            if (progressLine is not null && stderrLog is not null) stderrLog.BeforeWrite = progressLine.Clear;
            TailResult result;
            try
            {
                result = await S3TailEngine.RunAsync(actorSystem!, request, new FileDescriptorSink(output), stop.Token);
            }
            finally
            {
                progressLine?.Dispose();
                // Not awaited in a process of its own: it ends right after, which ends the system's
                // threads too (a run that listed nothing may end before the system is even up).
                if (!host.OwnsProcess) await (await actorSystem!).Terminate();
                else if (actorSystem!.IsCompletedSuccessfully) _ = actorSystem.Result.Terminate();
            }
            written = result.Bookmark;
            startup.Mark("run ended");
            if (debug) log.Debug($"start-up, in ms since the process started: {startup.Report()}");
            S3TailException? saveError = null;
            try { checkpointer?.Finish(result.Bookmark, result.Follow); }
            catch (S3TailException e) { saveError = e; }
            return Report(result, saveError, settings, signals, clock.Elapsed, log, stderr, debug);
        }
        catch (S3TailException e)
        {
            log.Error(debug ? e.ToString() : e.Message);
            PrintBookmark(stderr, quiet, written);
            if (signals.Signal is { } signal && e.Kind != ErrorKind.Usage) return ExitCodes.For(signal);
            return e.Kind == ErrorKind.Usage ? ExitCode.Usage : ExitCode.RuntimeError;
        }
        catch (OperationCanceledException) when (signals.Signal is { } signal)
        {
            PrintBookmark(stderr, quiet, written);
            return ExitCodes.For(signal);
        }
        catch (Exception e)
        {
            LogInternalError(log, e, debug);
            PrintBookmark(stderr, quiet, written);
            return ExitCode.RuntimeError;
        }
        finally
        {
            logFile?.Dispose();
        }
    }

    /// <summary>
    /// Follow mode's options. A named bookmark keeps a state beside it (what was written inside
    /// the look-back window), so a restart neither misses nor repeats a late object.
    /// </summary>
    private static FollowOptions Follow(RunSettings settings, FollowSettings follow, BookmarkCheckpointer? checkpointer, ILog log, CliHost host)
    {
        FollowState? saved = null;
        if (settings.BookmarkName is { } name)
        {
            var file = FollowStateFile.For(settings.ConfigPath, name, host);
            saved = file.Load();
            log.Debug(saved is null ? $"no follow state in '{file.Path}' yet"
                : $"follow state '{file.Path}': {saved.Known.Count} known objects{(saved.Partial is { } p ? $", resuming late '{p.Key}' after line {p.Line}" : "")}");
            checkpointer!.Follow(file, () => DateTime.UtcNow - follow.LookBack);
            return new FollowOptions(follow.Poll, follow.LookBack) { Saved = saved, Changed = checkpointer.FollowChanged };
        }
        return new FollowOptions(follow.Poll, follow.LookBack);
    }

    /// <summary>stdout, written through write(2) where the shell's file position is.</summary>
    private static FileDescriptorOutput OpenStdout(int fd)
    {
        try
        {
            return FileDescriptorOutput.Open(fd);
        }
        catch (IOException)
        {
            throw S3TailException.Usage("stdout is closed (was the command run with >&- ?); give it a file, a pipe or /dev/null.");
        }
    }

    private static void PrintBookmark(TextWriter stderr, bool quiet, Bookmark? bookmark)
    {
        if (quiet || bookmark is null) return;
        stderr.WriteLine($"Bookmark: {bookmark}");
        stderr.Flush();
    }

    private static ExitCode Report(TailResult result, S3TailException? saveError, RunSettings settings, SignalStop signals,
        TimeSpan elapsed, ILog log, TextWriter stderr, bool debug)
    {
        var s = result.Statistics;
        if (s.SkippedKeys.Count > 0)
            log.Warn($"skipped {s.SkippedKeys.Count} object(s) that could not be read: {string.Join(", ", s.SkippedKeys.Take(10))}"
                     + (s.SkippedKeys.Count > 10 ? ", ..." : ""));
        if (s.WithoutTime > 0)
            log.Warn($"left out {s.WithoutTime} key(s) whose names carry no time the window could be checked against, e.g. '{s.ExampleWithoutTime}'.");
        string window = settings.Window is { } w ? $"; {s.OutsideWindow} listed keys outside the window {w}" : "";
        string lines = settings.Filter is null ? $"{s.LinesWritten} lines" : $"{s.LinesExamined} lines examined, {s.LinesWritten} kept";
        log.Info($"{s.ObjectsWritten} objects, {lines}, {s.BytesWritten} bytes written; " +
                 $"{s.Downloads} downloaded, {s.CacheHits} from cache{window}; {elapsed.TotalSeconds:0.00} s" +
                 (settings.Prefetch == TailRequest.AutoPrefetch ? $"; prefetch auto ended at {s.PrefetchWindow}" : "") +
                 (s.FetchedBy is { } by ? $"; objects fetched: {string.Join(", ", by.Select(b => $"{b.Who} {b.Objects}"))}" : ""));

        var code = result.Reason switch
        {
            StopReason.Failed => result.Error is S3TailException { Kind: ErrorKind.Usage } ? ExitCode.Usage : ExitCode.RuntimeError,
            StopReason.Cancelled => ExitCodes.For(signals.Signal),
            _ => ExitCode.Ok,
        };
        if (result.Error is S3TailException known) log.Error(debug ? known.ToString() : known.Message);
        else if (result.Error is { } bug) LogInternalError(log, bug, debug);
        if (saveError is not null)
        {
            log.Error(saveError.Message);
            if (code == ExitCode.Ok) code = ExitCode.RuntimeError;
        }
        PrintBookmark(stderr, settings.Quiet, result.Bookmark);
        return code;
    }

    private static void LogInternalError(ILog log, Exception e, bool debug) =>
        log.Error(debug ? e.ToString() : $"internal error: {e.GetType().Name}: {e.Message} (run with --log-level debug for details)");

    /// <summary>
    /// The cache, or null when it is off (0 hours), pointless (a local folder) or unusable (the
    /// folder cannot be made): then the run spools to temporary files instead, with a warning.
    /// </summary>
    private static (ObjectCache? Cache, Task Sweep) OpenCache(RunSettings settings, IObjectSource source, ILog log)
    {
        if (settings.CacheHours == 0 || source.CacheIdentity is null) return (null, Task.CompletedTask);
        var cache = new ObjectCache(settings.CachePath, TimeSpan.FromHours(settings.CacheHours));
        // --cache-lookup only looks: it makes no folder and deletes nothing.
        if (settings.CacheLookup) return (cache, Task.CompletedTask);
        if (!CacheFolder.Usable(cache, log)) return (null, Task.CompletedTask);
        // Start-up sweep, off the critical path.
        return (cache, CacheFolder.SweepAsync(cache, settings.CacheHours, log));
    }

    private sealed class AwaitOnDispose(Task task, TimeSpan limit) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Task.WhenAny(task, Task.Delay(limit));
    }
}
