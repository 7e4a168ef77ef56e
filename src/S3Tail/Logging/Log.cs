namespace S3Tail.Logging;

public enum LogLevel { Debug, Info, Warning, Error, Critical, None }

/// <summary>The tool's own log (never stdout, which carries only content).</summary>
public interface ILog
{
    bool IsEnabled(LogLevel level);
    void Write(LogLevel level, string message);
}

internal static class LogExtensions
{
    public static void Debug(this ILog log, string message) => log.Write(LogLevel.Debug, message);
    public static void Info(this ILog log, string message) => log.Write(LogLevel.Info, message);
    public static void Warn(this ILog log, string message) => log.Write(LogLevel.Warning, message);
    public static void Error(this ILog log, string message) => log.Write(LogLevel.Error, message);
}

/// <summary>Discards everything.</summary>
internal sealed class NullLog : ILog
{
    public static readonly NullLog Instance = new();
    public bool IsEnabled(LogLevel level) => false;
    public void Write(LogLevel level, string message) { }
}

/// <summary>
/// Writes <c>s3tail: LEVEL: message</c> lines to a writer (stderr, or a log file with a UTC
/// timestamp in front); safe to call from any actor or task.
/// </summary>
internal sealed class TextLog(TextWriter writer, LogLevel minimum, bool timestamps = false, Lock? gate = null) : ILog
{
    private readonly Lock _lock = gate ?? new();

    /// <summary>Runs under the lock before each line (the CLI erases its progress line there).</summary>
    public Action? BeforeWrite { get; set; }

    public LogLevel Minimum { get; } = minimum;

    public bool IsEnabled(LogLevel level) => level >= Minimum && level != LogLevel.None;

    public void Write(LogLevel level, string message)
    {
        if (!IsEnabled(level)) return;
        string line = $"s3tail: {Name(level)}: {message}";
        if (timestamps) line = $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.fffZ} {line}";
        lock (_lock)
        {
            BeforeWrite?.Invoke();
            writer.WriteLine(line);
            writer.Flush();
        }
    }

    private static string Name(LogLevel level) => level switch
    {
        LogLevel.Debug => "debug",
        LogLevel.Info => "info",
        LogLevel.Warning => "warning",
        LogLevel.Error => "error",
        _ => "critical",
    };
}

internal static class LogLevels
{
    public const string Names = "debug, info, warning (or warn), error, critical";

    public static LogLevel Parse(string text) =>
        TryParse(text, out var level) ? level : throw S3TailException.Usage($"Unknown log level '{text}': use one of {Names}.");

    public static bool TryParse(string text, out LogLevel level)
    {
        (bool ok, level) = text.Trim().ToLowerInvariant() switch
        {
            "debug" => (true, LogLevel.Debug),
            "info" => (true, LogLevel.Info),
            "warning" or "warn" => (true, LogLevel.Warning),
            "error" => (true, LogLevel.Error),
            "critical" => (true, LogLevel.Critical),
            _ => (false, LogLevel.None),
        };
        return ok;
    }
}
