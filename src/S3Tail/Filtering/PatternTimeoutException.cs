namespace S3Tail.Filtering;

/// <summary>
/// A pattern the linear-time engine cannot run took longer than its budget on one line
/// (<see cref="BoundedRegex.SoleBudget"/>, more for a line of over a million characters). The matcher knows where that line begins in the text
/// it was given (<see cref="LineOffset"/>), the object's filter which line it is
/// (<see cref="Line"/>), and the fetcher which object: each adds what it knows on the way up, and
/// the fetcher turns it into the run's error (<see cref="Describe"/>).
/// </summary>
internal sealed class PatternTimeoutException(string pattern, string construct, int lineOffset, long line = 0)
    : Exception($"--grep '{pattern}' ran out of time on one line")
{
    public string Pattern { get; } = pattern;

    /// <summary>Why the linear engine cannot run it, as .NET names the construct.</summary>
    public string Construct { get; } = construct;

    /// <summary>Where the line begins in the text the matcher searched.</summary>
    public int LineOffset { get; } = lineOffset;

    /// <summary>The line's number in its object (1-based), once known; 0 before.</summary>
    public long Line { get; } = line;

    /// <summary>The same line, <paramref name="bytes"/> further into a larger text.</summary>
    public PatternTimeoutException Shifted(int bytes) => new(Pattern, Construct, LineOffset + bytes, Line);

    /// <summary>The same, as line <paramref name="line"/> of its object.</summary>
    public PatternTimeoutException OnLine(long line) => new(Pattern, Construct, LineOffset, line);

    /// <summary>One sentence for the user: the pattern, where, why, and what to do.</summary>
    public string Describe(string key) =>
        $"--grep '{Pattern}' ran out of time on line {Line} of '{key}' ({BoundedRegex.SoleBudget.TotalSeconds:0.#} s a line, more for a long one): "
        + $".NET's linear-time engine cannot run it ({Construct}), and backtracking can take time exponential in a line's length; "
        + "rewrite the pattern without that (docs/grep.md: \"Every search ends in bounded time\").";
}
