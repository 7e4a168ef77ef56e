using System.Diagnostics;

namespace S3Tail.Cli;

/// <summary>
/// One self-updating status line on stderr while a run goes on: objects written of listed,
/// bytes, throughput, cache hits, the current key. It is redrawn in place (carriage return,
/// erase to end of line) a few times a second, erased before any log line is printed, and
/// erased for good at the end, so what remains on the terminal is the log and the bookmark.
/// stdout is never touched.
/// </summary>
internal sealed class ProgressLine : IDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    private readonly RunProgress _progress;
    private readonly TextWriter _stderr;
    private readonly Lock _gate;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Timer _timer;
    private readonly bool _filtering;
    private bool _shown;
    private bool _ended;
    private readonly string? _columns;   // $COLUMNS, when the shell exported it

    /// <param name="filtering">the run has --grep: say how many lines were examined and kept.</param>
    public ProgressLine(RunProgress progress, TextWriter stderr, Lock stderrGate, bool filtering = false, string? columns = null)
    {
        _columns = columns;
        _filtering = filtering;
        _progress = progress;
        _stderr = stderr;
        _gate = stderrGate;
        _timer = new Timer(_ => Draw(), null, Interval, Interval);
    }

    /// <summary>Whether to show it: --progress/--no-progress, else only when stderr is a terminal.</summary>
    public static bool Wanted(bool? option, bool errorIsTerminal) => option ?? errorIsTerminal;

    /// <summary>Erases the line (before a log line is printed; called under the stderr lock).</summary>
    public void Clear()
    {
        if (!_shown) return;
        _stderr.Write("\r\u001b[K");
        _stderr.Flush();
        _shown = false;
    }

    private void Draw()
    {
        lock (_gate)
        {
            if (_ended) return;
            double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
            var p = _progress;
            string leftOut = p.KeysLeftOut > 0 ? $" ({p.KeysLeftOut} outside the window)" : "";
            string lines = _filtering ? $", {p.LinesWritten} of {p.LinesExamined} lines kept" : "";
            string text = p.IsWaiting && p.ObjectsWritten == p.ObjectsListed
                ? $"s3tail: {p.ObjectsWritten} objects ({p.LateObjects} late), {Size(p.BytesWritten)}; waiting for new objects, " +
                  $"last poll {(p.LastPoll is { } last ? last.ToLocalTime().ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) : "none yet")}"
                : $"s3tail: {p.ObjectsWritten}/{p.ObjectsListed} objects{leftOut}{lines}, {Size(p.BytesWritten)}, " +
                  $"{Size((long)(p.BytesWritten / seconds))}/s, {p.CacheHits} from cache  {p.CurrentKey}";
            int width = Width();
            if (text.Length > width - 1) text = text[..(width - 1)];
            _stderr.Write("\r" + text + "\u001b[K");
            _stderr.Flush();
            _shown = true;
        }
    }

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.0} GB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.0} MB",
        >= 1L << 10 => $"{bytes / 1024.0:0.0} KB",
        _ => $"{bytes} B",
    };

    private int Width()
    {
        if (int.TryParse(_columns, out int columns) && columns > 20) return columns;
        try { return Console.WindowWidth > 20 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }

    public void Dispose()
    {
        _timer.Dispose();
        lock (_gate)
        {
            _ended = true;
            Clear();
        }
    }
}
