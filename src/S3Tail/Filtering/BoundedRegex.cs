using System.Collections.Concurrent;
using System.Numerics;
using System.Text.RegularExpressions;

namespace S3Tail.Filtering;

/// <summary>
/// A regular expression whose every search ends in bounded time. It runs on .NET's compiled
/// backtracking engine, the fastest on the patterns people write for logs (docs/grep.md, "grep in the
/// engine"), under a budget per search (<see cref="FastBudget"/>). A search that runs past it is a
/// pattern that backtracks without end on some input, like <c>(a+)+$</c>: this regex then switches,
/// for good and for every thread, to <see cref="RegexOptions.NonBacktracking"/>, which finds the
/// same lines in time linear in the input, and searches again there.
///
/// <para>A pattern the linear engine cannot run (backreferences, lookarounds, atomic groups,
/// conditionals, balancing groups, <c>\G</c>, repetitions too large for its automaton: .NET
/// refuses them when the regex is made) stays on the backtracking engine with a longer budget,
/// <see cref="SoleBudget"/>; past it the search fails with <see cref="PatternTimeoutException"/>,
/// which names the construct.</para>
/// </summary>
internal sealed class BoundedRegex
{
    /// <summary>
    /// A search by the backtracking engine past this is taken as runaway backtracking. Far above
    /// what a healthy search of a 256 KiB batch takes (well under 10 ms), so only a pathological
    /// pattern, or a thread starved for that long, meets it — and the cost of meeting it is only
    /// speed: the linear engine finds the same lines.
    /// </summary>
    internal static readonly TimeSpan FastBudget = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// The budget of one line's search for a pattern the linear engine cannot run, per
    /// <see cref="SoleBudgetChars"/> of the line (at least one): past it the run fails. A healthy
    /// backtracking search with a lookahead takes about 0.2 µs a character at worst (measured: 14 s
    /// for <c>x(?=N)</c> on a 64 MiB line), so this leaves about five times that.
    /// </summary>
    internal static readonly TimeSpan SoleBudget = TimeSpan.FromSeconds(1);

    /// <summary>Characters of a line that each <see cref="SoleBudget"/> pays for.</summary>
    internal const int SoleBudgetChars = 1 << 20;

    private readonly Regex _backtracking;
    private readonly Lazy<Regex>? _linear;   // null when the linear engine cannot run the pattern
    private volatile bool _useLinear;
    private readonly string _pattern;
    private readonly RegexOptions _options;

    /// <summary>
    /// For a pattern the linear engine cannot run: the backtracking regex whose budget pays for a
    /// line longer than <see cref="SoleBudgetChars"/>, by that budget's multiple (a power of two,
    /// so a run makes a few of them at most).
    /// </summary>
    private readonly ConcurrentDictionary<int, Regex> _longLines = new();

    /// <param name="startLinear">use the linear engine from the start (a spec checks both engines find the same lines).</param>
    /// <param name="linearKnown">
    /// the linear engine is known to run this pattern (it ran it without Multiline): it is made only
    /// if a search needs it, since making one costs tens of milliseconds of a run's start.
    /// </param>
    public BoundedRegex(string pattern, RegexOptions options, bool startLinear = false, bool linearKnown = false)
    {
        (_pattern, _options) = (pattern, options);
        if (linearKnown)
            _linear = new Lazy<Regex>(() => new Regex(pattern, options | RegexOptions.NonBacktracking));
        else
        {
            (var linear, LinearRefusal) = Linear(pattern, options);
            if (linear is not null) _linear = new Lazy<Regex>(linear);
        }
        _useLinear = startLinear && _linear is not null;
        _backtracking = new Regex(pattern, options | RegexOptions.Compiled, _linear is null ? SoleBudget : FastBudget);
    }

    /// <summary>
    /// Why the linear engine cannot run this pattern (the construct, as .NET names it), or null
    /// when it can: then every search ends in linear time past a bounded start.
    /// </summary>
    public string? LinearRefusal { get; }

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (_useLinear) return _linear!.Value.IsMatch(text);
        try
        {
            return (_linear is null && text.Length > SoleBudgetChars ? ForLongLine(text.Length) : _backtracking).IsMatch(text);
        }
        catch (RegexMatchTimeoutException) when (_linear is not null)
        {
            _useLinear = true;
            return _linear.Value.IsMatch(text);
        }
    }

    /// <summary>Where the first match at or after <paramref name="start"/> begins, or -1.</summary>
    public int FirstMatch(ReadOnlySpan<char> text, int start)
    {
        if (_useLinear) return First(_linear!.Value, text, start);
        try
        {
            return First(_backtracking, text, start);
        }
        catch (RegexMatchTimeoutException) when (_linear is not null)
        {
            _useLinear = true;
            return First(_linear.Value, text, start);
        }
    }

    private Regex ForLongLine(int chars)
    {
        int multiple = (int)BitOperations.RoundUpToPowerOf2((uint)((chars + SoleBudgetChars - 1) / SoleBudgetChars));
        return _longLines.GetOrAdd(multiple, m => new Regex(_pattern, _options | RegexOptions.Compiled, SoleBudget * m));
    }

    private static int First(Regex regex, ReadOnlySpan<char> text, int start)
    {
        foreach (var m in regex.EnumerateMatches(text, start)) return m.Index;
        return -1;
    }

    /// <summary>The linear-time engine's regex for <paramref name="pattern"/>, or why it cannot run it.</summary>
    internal static (Regex? Regex, string? Refusal) Linear(string pattern, RegexOptions options)
    {
        try
        {
            return (new Regex(pattern, options | RegexOptions.NonBacktracking), null);
        }
        catch (NotSupportedException e)
        {
            return (null, RefusedConstruct(e.Message));
        }
    }

    /// <summary>
    /// The construct in .NET's refusal ("… not supported in conjunction with expressions
    /// containing: 'backreference (\ number)'."), or what a refusal of another form says.
    /// </summary>
    private static string RefusedConstruct(string message)
    {
        const string marker = "containing: '";
        int at = message.IndexOf(marker, StringComparison.Ordinal);
        if (at >= 0)
        {
            int from = at + marker.Length, to = message.LastIndexOf('\'');
            if (to > from) return message[from..to];
        }
        return message.Contains("automata", StringComparison.Ordinal) ? "a repetition too large for its automaton" : message.TrimEnd('.');
    }
}
