using System.Text;
using System.Text.RegularExpressions;

namespace S3Tail.Filtering;

/// <summary>
/// The CLI's filter: <c>-e PATTERN</c> (repeatable: a line matching any is kept), <c>-F</c>
/// (plain strings), <c>-i</c> (ignore case), <c>-v</c> (keep the lines matching none). As in
/// grep, a pattern holding newlines is one pattern per line, and an empty pattern matches every
/// line.
///
/// <para>How it matches, chosen by measurement (docs/grep.md): plain strings are
/// searched as UTF-8 bytes with the vectorized <c>IndexOf</c> over a whole batch of lines at
/// once, so the lines that do not match are skipped at memory speed; <c>-i</c> with plain ASCII
/// strings lowers the batch's ASCII letters first (vectorized too). Regular expressions (and
/// <c>-i</c> strings with non-ASCII letters) run on the batch decoded to UTF-16, once, and every
/// match found is checked against its line alone, so a line is kept exactly when the pattern
/// matches it on its own. A pattern whose meaning can change with what surrounds a line
/// (lookarounds, <c>\A</c>, <c>\z</c>, <c>\G</c>, inline options) is matched line by line.
/// Invalid UTF-8 decodes to U+FFFD for matching only: the bytes written are the line's own.</para>
/// </summary>
public static class GrepFilter
{
    /// <summary>
    /// A filter for <paramref name="patterns"/>. A malformed regular expression is a usage error
    /// naming it.
    /// </summary>
    public static LineFilter Create(IReadOnlyList<string> patterns, bool fixedStrings = false, bool ignoreCase = false, bool invert = false) =>
        Create(patterns, fixedStrings, ignoreCase, invert, startLinear: false);

    /// <param name="startLinear">
    /// regular expressions search with the linear-time engine from the start, not only once a
    /// search ran past its budget (<see cref="BoundedRegex"/>): specs check both engines keep the same lines.
    /// </param>
    internal static LineFilter Create(IReadOnlyList<string> patterns, bool fixedStrings, bool ignoreCase, bool invert, bool startLinear)
    {
        if (patterns.Count == 0) throw new ArgumentException("at least one pattern is needed", nameof(patterns));
        var lines = patterns.SelectMany(p => p.Split('\n')).ToList();
        Matcher matcher;
        if (fixedStrings && (!ignoreCase || lines.All(p => Ascii.IsValid(p))))
            matcher = new LiteralMatcher(lines.Select(p => Encoding.UTF8.GetBytes(ignoreCase ? p.ToLowerInvariant() : p)).ToArray(), ignoreCase);
        else
            matcher = new RegexMatcher(lines.Select(p => fixedStrings ? Regex.Escape(p) : p).ToList(), lines, ignoreCase, startLinear);
        return new MatcherFilter(matcher, invert, new GrepSpec(string.Join('\n', lines), fixedStrings, ignoreCase, invert));
    }

    /// <summary>The filter <paramref name="spec"/> describes.</summary>
    internal static LineFilter Create(GrepSpec spec) => Create([spec.Patterns], spec.FixedStrings, spec.IgnoreCase, spec.Invert);

    private sealed class MatcherFilter(Matcher matcher, bool invert, GrepSpec spec) : LineFilter
    {
        internal override GrepSpec Spec => spec;

        [ThreadStatic] private static List<int>? _matched;

        public override bool Keep(ReadOnlySpan<byte> line) => matcher.IsMatch(line) != invert;

        public override void Select(ReadOnlySpan<byte> lines, List<int> keptStarts)
        {
            if (!invert)
            {
                matcher.Matching(lines, keptStarts);
                return;
            }
            var matched = _matched ??= [];
            matched.Clear();
            matcher.Matching(lines, matched);
            // Every line start that is not a matching line's.
            int pos = 0, next = 0;
            while (pos < lines.Length)
            {
                if (next < matched.Count && matched[next] == pos) next++;
                else keptStarts.Add(pos);
                int nl = lines[pos..].IndexOf((byte)'\n');
                pos = nl < 0 ? lines.Length : pos + nl + 1;
            }
        }
    }
}

/// <summary>
/// A <see cref="GrepFilter"/> as data, to send to a worker: its patterns one per line (as grep
/// reads a pattern holding newlines), and its modifiers.
/// </summary>
internal sealed record GrepSpec(string Patterns, bool FixedStrings, bool IgnoreCase, bool Invert);
