using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace S3Tail.Filtering;

/// <summary>
/// .NET regular expressions (any of several, as one alternation). A buffer of lines is decoded
/// to UTF-16 once and searched as a whole (Multiline, so ^ and $ mean a line's edges); every
/// match found is then checked against its line alone, which is what decides. So a match that
/// runs across lines never keeps a line, and the search carries on at the next line. Patterns
/// whose meaning can depend on what surrounds a line are matched line by line instead.
///
/// <para>Every search ends in bounded time (<see cref="BoundedRegex"/>). When the linear-time
/// engine cannot run the patterns (a backreference, a lookaround…), or when one of several
/// ignores whitespace and so may comment out the alternation's ')' ((?x) … #), each pattern is
/// matched on its own, line by line: the budget is then one line's, a timeout names the pattern that ran
/// out, and a backreference's number means what it means in its own pattern (in an alternation
/// of several, <c>\1</c> would be the first pattern's group).</para>
/// </summary>
internal sealed class RegexMatcher : Matcher
{
    private readonly BoundedRegex? _line;    // one line, on its own; null when the patterns are matched each alone
    private readonly (BoundedRegex Regex, string AsGiven)[] _each = [];   // the patterns alone, when the linear engine cannot run them together
    private readonly BoundedRegex? _batch;   // a buffer of lines; null when only line by line is exact or bounded

    /// <param name="startLinear">search with the linear-time engine from the start (specs check it finds the same lines).</param>
    public RegexMatcher(IReadOnlyList<string> patterns, IReadOnlyList<string> asGiven, bool ignoreCase, bool startLinear = false)
    {
        for (int i = 0; i < patterns.Count; i++)
        {
            try
            {
                _ = new Regex(patterns[i], RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw S3TailException.Usage($"--grep '{asGiven[i]}' is not a valid .NET regular expression: {e.Message.TrimEnd('.')}.");
            }
        }
        string pattern = patterns.Count == 1 ? patterns[0] : string.Join("|", patterns.Select(p => $"(?:{p})"));
        var options = RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : 0);
        // With (?x) a '#' comments out the rest of a pattern, the alternation's ')' included.
        bool apart = patterns.Count > 1 && patterns.Any(p => Regex.IsMatch(p, @"\(\?[imnsx-]*x"));
        var line = apart ? null : new BoundedRegex(pattern, options, startLinear);
        if (line is null || line.LinearRefusal is not null)
            _each = patterns.Select((p, i) => (new BoundedRegex(p, options, startLinear), asGiven[i])).ToArray();
        else
        {
            _line = line;
            if (!DependsOnSurroundings(pattern)) _batch = new BoundedRegex(pattern, options | RegexOptions.Multiline, startLinear, linearKnown: true);
        }
    }

    /// <summary>
    /// True for constructs that can see past a line's edges or change what ^, $ and . mean:
    /// lookarounds, conditionals (their test is a lookahead), \A \z \Z \G, inline options. Read
    /// loosely (an escaped "(?=" counts too): the cost of a false alarm is only speed.
    /// </summary>
    private static bool DependsOnSurroundings(string pattern) =>
        pattern.Contains("(?=") || pattern.Contains("(?!") || pattern.Contains("(?<=") || pattern.Contains("(?<!") || pattern.Contains("(?(")
        || pattern.Contains("\\A") || pattern.Contains("\\z") || pattern.Contains("\\Z") || pattern.Contains("\\G")
        || Regex.IsMatch(pattern, @"\(\?[imnsx-]+[:)]");

    public override bool IsMatch(ReadOnlySpan<byte> line)
    {
        char[] chars = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(line.Length));
        try
        {
            int n = Encoding.UTF8.GetChars(line, chars);
            return LineMatches(chars.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }

    public override void Matching(ReadOnlySpan<byte> lines, List<int> starts)
    {
        if (_batch is null)
        {
            LineByLine(lines, starts);
            return;
        }
        char[] rented = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(lines.Length));
        try
        {
            var text = rented.AsSpan(0, Encoding.UTF8.GetChars(lines, rented));
            // Walk lines in both spaces at once: '\n' is one byte and one char, so the k-th line
            // of the text is the k-th line of the bytes.
            int charLine = 0, byteLine = 0, at = 0;
            while (at < text.Length)
            {
                int found = _batch.FirstMatch(text, at);
                // An empty match just past the last '\n' (^$, x*, $ …) is no line: the text ends there.
                if (found < 0 || found == text.Length && (found == 0 || text[^1] == '\n')) return;
                // Move to the line holding the match: [charLine, its '\n'] (a match that is empty
                // at a line's end, like $, belongs to that line).
                int lineCharEnd;
                while (true)
                {
                    int nl = text[charLine..].IndexOf('\n');
                    lineCharEnd = nl < 0 ? text.Length : charLine + nl;
                    if (found <= lineCharEnd) break;
                    charLine = lineCharEnd + 1;
                    byteLine += lines[byteLine..].IndexOf((byte)'\n') + 1;
                }
                if (LineMatches(text[charLine..lineCharEnd])) starts.Add(byteLine);
                // Carry on at the next line.
                if (lineCharEnd >= text.Length) return;
                at = lineCharEnd + 1;
                charLine = at;
                byteLine += lines[byteLine..].IndexOf((byte)'\n') + 1;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private void LineByLine(ReadOnlySpan<byte> lines, List<int> starts)
    {
        int pos = 0;
        while (pos < lines.Length)
        {
            int nl = lines[pos..].IndexOf((byte)'\n');
            int end = nl < 0 ? lines.Length : pos + nl;
            bool match;
            try
            {
                match = IsMatch(lines[pos..end]);
            }
            catch (PatternTimeoutException e)
            {
                throw e.Shifted(pos);
            }
            if (match) starts.Add(pos);
            pos = end + 1;
        }
    }

    /// <summary>The line matches on its own; a pattern the linear engine cannot run fails past its budget.</summary>
    private bool LineMatches(ReadOnlySpan<char> line)
    {
        if (_line is not null) return _line.IsMatch(line);
        foreach (var (regex, asGiven) in _each)
        {
            try
            {
                if (regex.IsMatch(line)) return true;
            }
            catch (RegexMatchTimeoutException)
            {
                throw new PatternTimeoutException(asGiven, regex.LinearRefusal!, 0);
            }
        }
        return false;
    }
}
