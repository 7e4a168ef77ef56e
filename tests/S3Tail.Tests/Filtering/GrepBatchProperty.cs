using System.Text;
using System.Text.RegularExpressions;
using S3Tail.Filtering;
using S3Tail.Pipeline;
using S3Tail.Contents;

namespace S3Tail.Tests.Filtering;

/// <summary>
/// The filter as the downloaders run it (<see cref="ObjectFilter.Apply"/>: batches, lines longer
/// than a batch, a resume point) against a reference that knows nothing about batches: each
/// source line alone, decoded, matched with a backtracking <see cref="Regex"/> (or Contains).
/// Random lines (empty, blanks, CRLF, invalid UTF-8, no final newline, longer than a batch),
/// random batch sizes, random patterns — those that match an empty line or an empty string
/// among them, since an empty match can arise at every batch edge — with -F, -i and -v at random,
/// on either regex engine (the backtracking one, and the linear one a runaway search switches to).
/// Kept lines, the kept → source line map and the lines examined must all agree.
/// </summary>
public sealed class GrepBatchProperty
{
    private static readonly string[] RegexPatterns =
    [
        "^$", "^ *$", @"^\s*$", "x*", "$", "^", "", @"\s*", "[^x]*$", " $", @"\r$", @"x\r?$", "x$", "^x", @"\bx\b",
        "É|é", "a b", @"a\s+b", @"x\n", @"x\s*$", ".*", "^.?$", @"(?<=x)$", @"(?<!x)^$", @"\Ax*\z", "(?m)^$", "xx|^ ", @"x(?(\n)y|)$",
    ];

    private static readonly string[] FixedPatterns = ["", " ", "x", "X", "é", "a b", "\r", "xx"];

    private static readonly byte[][] Tokens =
    [
        "x"u8.ToArray(), "X"u8.ToArray(), "xx"u8.ToArray(), " "u8.ToArray(), "  "u8.ToArray(), "\t"u8.ToArray(),
        "a b"u8.ToArray(), "É"u8.ToArray(), "é"u8.ToArray(), [0xFF], [0xC3], "line"u8.ToArray(),
    ];

    private static byte[] RandomObject(Random random, int batchBytes)
    {
        var text = new MemoryStream();
        int lines = random.Next(5) == 0 ? random.Next(0, 3) : random.Next(1, 40);
        for (int l = 0; l < lines; l++)
        {
            if (random.Next(25) == 0)
            {
                // Longer than a batch: carried in pieces, matched whole.
                int length = random.Next(batchBytes, 3 * batchBytes + 2);
                for (int i = 0; i < length; i++) text.WriteByte((byte)(random.Next(3) == 0 ? ' ' : 'x'));
            }
            else
            {
                int tokens = random.Next(3) == 0 ? 0 : random.Next(1, 4);
                for (int t = 0; t < tokens; t++) text.Write(Tokens[random.Next(Tokens.Length)]);
            }
            if (random.Next(5) == 0) text.WriteByte((byte)'\r');
            text.WriteByte((byte)'\n');
        }
        if (lines > 0 && random.Next(3) == 0) text.SetLength(text.Length - 1);   // no newline at the end
        return text.ToArray();
    }

    /// <summary>The object's lines, each without its '\n' (the last one's added if missing).</summary>
    private static List<byte[]> Lines(byte[] content)
    {
        var lines = new List<byte[]>();
        int pos = 0;
        while (pos < content.Length)
        {
            int nl = Array.IndexOf(content, (byte)'\n', pos);
            int end = nl < 0 ? content.Length : nl;
            lines.Add(content[pos..end]);
            pos = end + 1;
        }
        return lines;
    }

    private static bool ReferenceMatch(byte[] line, string[] patterns, bool fixedStrings, bool ignoreCase)
    {
        string text = Encoding.UTF8.GetString(line);
        return patterns.Any(p => fixedStrings
            ? text.Contains(p, ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            : Regex.IsMatch(text, p, RegexOptions.CultureInvariant | (ignoreCase ? RegexOptions.IgnoreCase : 0)));
    }

    [Fact]
    public void Should_keep_and_map_exactly_the_lines_a_line_by_line_reference_keeps()
    {
        var random = new Random(20261202);
        for (int trial = 0; trial < 4000; trial++)
        {
            bool fixedStrings = random.Next(4) == 0, ignoreCase = random.Next(3) == 0, invert = random.Next(3) == 0, linear = random.Next(2) == 0;
            var pool = fixedStrings ? FixedPatterns : RegexPatterns;
            var patterns = Enumerable.Range(0, random.Next(4) == 0 ? random.Next(2, 4) : 1).Select(_ => pool[random.Next(pool.Length)]).ToArray();
            int batchBytes = random.Next(1, 120);
            var content = RandomObject(random, batchBytes);
            var lines = Lines(content);
            long skip = random.Next(3) == 0 ? random.Next(0, lines.Count + 1) : 0;

            var expectedKept = new MemoryStream();
            var expectedSources = new List<long>();
            for (int i = (int)skip; i < lines.Count; i++)
            {
                if (ReferenceMatch(lines[i], patterns, fixedStrings, ignoreCase) == invert) continue;
                expectedKept.Write(lines[i]);
                expectedKept.WriteByte((byte)'\n');
                expectedSources.Add(i + 1);
            }

            var filter = GrepFilter.Create(patterns, fixedStrings, ignoreCase, invert, startLinear: linear);
            var filtered = ObjectFilter.Apply(new InMemoryContent(content), skip, filter, CancellationToken.None, batchBytes);
            var kept = new MemoryStream();
            using (var stream = filtered.Kept.OpenDecoded()) stream.CopyTo(kept);
            // Kept as ranges, an unterminated last line comes back without the '\n' the reader adds.
            if (kept.Length > 0 && kept.ToArray()[^1] != '\n') kept.WriteByte((byte)'\n');
            var sources = Enumerable.Range(1, (int)filtered.Map.KeptCount).Select(k => filtered.Map.SourceLine(k)).ToList();

            string what = $"trial {trial}{(linear ? " (linear engine)" : "")}: {(fixedStrings ? "-F " : "")}{(ignoreCase ? "-i " : "")}{(invert ? "-v " : "")}"
                + string.Join(" ", patterns.Select(p => $"-e '{p}'")) + $", batches of {batchBytes}, from line {skip + 1}, object "
                + string.Concat(content.Select(b => b is >= 0x20 and < 0x7F ? ((char)b).ToString() : $"\\x{b:X2}"));
            Assert.True(expectedKept.ToArray().AsSpan().SequenceEqual(kept.ToArray()), $"{what}: kept lines differ");
            Assert.True(expectedSources.SequenceEqual(sources),
                $"{what}: source lines [{string.Join(",", sources)}], expected [{string.Join(",", expectedSources)}]");
            Assert.True(Math.Max(skip, lines.Count) == filtered.ExaminedThrough, $"{what}: examined through {filtered.ExaminedThrough}, expected {lines.Count}");
        }
    }
}
