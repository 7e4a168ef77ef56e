using S3Tail.Logging;

namespace S3Tail.Cli;

/// <summary>
/// A run's log: stderr at the chosen level, or with --log-file the file at that level and
/// errors still on stderr, where a user watching the run sees them.
/// </summary>
internal static class RunLog
{
    public static (ILog Log, TextLog StderrLog, TextWriter? File) Open(RunSettings settings, TextWriter stderr, Lock stderrGate)
    {
        if (settings.LogFile is null)
        {
            var only = new TextLog(stderr, settings.LogLevel, gate: stderrGate);
            return (only, only, null);
        }
        try
        {
            // Logs name keys and buckets: private to the user, like the cache.
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            var file = new SafeTextWriter(new StreamWriter(settings.LogFile, options) { AutoFlush = true });
            var errors = new TextLog(stderr, LogLevel.Error, gate: stderrGate);
            return (new TeeLog(new TextLog(file, settings.LogLevel, timestamps: true), errors), errors, file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw S3TailException.Usage($"Cannot open the log file '{settings.LogFile}': {e.Message.TrimEnd('.')}.");
        }
    }

    /// <summary>Sends each line to two logs (a log file, and errors also to stderr).</summary>
    private sealed class TeeLog(ILog a, ILog b) : ILog
    {
        public bool IsEnabled(LogLevel level) => a.IsEnabled(level) || b.IsEnabled(level);
        public void Write(LogLevel level, string message) { a.Write(level, message); b.Write(level, message); }
    }
}
