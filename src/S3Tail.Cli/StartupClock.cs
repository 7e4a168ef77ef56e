using System.Diagnostics;

namespace S3Tail.Cli;

/// <summary>
/// Where a run's start-up time goes, for <c>--log-level debug</c>: stages marked as they are
/// reached, reported in milliseconds since the process started (the kernel's start time, so the
/// runtime's own start is counted too). Marks may come from several threads.
/// </summary>
internal sealed class StartupClock
{
    private readonly List<(string Stage, long Timestamp)> _marks = [];
    private readonly Lock _gate = new();

    public void Mark(string stage)
    {
        long now = Stopwatch.GetTimestamp();
        lock (_gate) _marks.Add((stage, now));
    }

    /// <summary>The marks in the order reached, as "stage N ms" since the process started.</summary>
    public string Report()
    {
        long now = Stopwatch.GetTimestamp();
        double sinceStart = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        lock (_gate)
            return string.Join(", ", _marks.OrderBy(m => m.Timestamp)
                .Select(m => $"{m.Stage} {sinceStart - Stopwatch.GetElapsedTime(m.Timestamp, now).TotalMilliseconds:0} ms"));
    }
}
