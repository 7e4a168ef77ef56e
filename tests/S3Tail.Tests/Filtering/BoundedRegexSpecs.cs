using System.Text;
using S3Tail.Filtering;
using S3Tail.Pipeline;
using S3Tail.Contents;

namespace S3Tail.Tests.Filtering;

/// <summary>
/// Every --grep search ends in bounded time: a pattern that backtracks without end on a line
/// (<c>(a+)+$</c> on 40 a's and a b takes hours on a backtracking engine) is finished by the
/// linear-time engine; one that engine cannot run fails after its budget, naming the pattern,
/// the construct and the line. Each spec runs under a time limit, so a regression fails here by
/// timing out instead of hanging the suite.
/// </summary>
public sealed class BoundedRegexSpecs
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private static readonly string Catastrophic = new string('a', 40) + "b";

    private static async Task<T> WithinLimit<T>(Func<T> work) => await Task.Run(work).WaitAsync(Limit);

    private static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    private static List<int> Select(LineFilter filter, byte[] lines)
    {
        var starts = new List<int>();
        filter.Select(lines, starts);
        return starts;
    }

    [Theory]
    [InlineData("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", true)]
    [InlineData("^(a|aa)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", true)]
    [InlineData(@"(\w+\s?)+$", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", true)]
    [InlineData("(x+x+)+y", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", false)]
    public async Task Should_finish_a_catastrophic_pattern_in_time_and_keep_the_right_lines(string pattern, string hostile, bool keepsAaa)
    {
        // Lines: the hostile one, "aaa", "b!", the hostile one again. Kept, by hand: "aaa" or nothing.
        var lines = Text($"{hostile}\naaa\nb!\n{hostile}\n");
        int[] starts = [0, hostile.Length + 1, hostile.Length + 5, hostile.Length + 8];
        int[] expected = keepsAaa ? [starts[1]] : [];

        var kept = await WithinLimit(() => Select(GrepFilter.Create([pattern]), lines));
        var alone = await WithinLimit(() => GrepFilter.Create([pattern]).Keep(Text(hostile)));
        var inverted = await WithinLimit(() => Select(GrepFilter.Create([pattern], invert: true), lines));
        var ignoringCase = await WithinLimit(() => Select(GrepFilter.Create([pattern.Contains('\\') ? pattern : pattern.ToUpperInvariant()], ignoreCase: true), lines));

        Assert.Equal(expected, kept);
        Assert.False(alone);
        Assert.Equal(starts.Except(expected), inverted);
        Assert.Equal(expected, ignoringCase);
    }

    [Fact]
    public async Task Should_fail_a_pattern_the_linear_engine_cannot_run_after_its_budget_naming_it_the_construct_and_the_line()
    {
        var objectText = Text($"aaa\nxyz\n{Catastrophic}\nlast\n");
        var filter = GrepFilter.Create(["xyz", @"(a+)+\1$"]);

        var e = await Assert.ThrowsAsync<PatternTimeoutException>(() =>
            WithinLimit(() => ObjectFilter.Apply(new InMemoryContent(objectText), 0, filter, CancellationToken.None)));

        Assert.Equal(3, e.Line);
        Assert.Equal(
            @"--grep '(a+)+\1$' ran out of time on line 3 of 'logs/a' (1 s a line, more for a long one): .NET's linear-time engine cannot run it "
            + @"(backreference (\ number)), and backtracking can take time exponential in a line's length; rewrite the pattern without that (docs/grep.md: ""Every search ends in bounded time"").",
            e.Describe("logs/a"));
    }

    [Fact]
    public async Task Should_give_a_long_line_a_budget_that_grows_with_it()
    {
        // A healthy lookahead search takes up to about 0.2 µs a character: some 0.7 s here, over
        // the 1 s of an ordinary line when the machine is busy, well within 1 s a million characters.
        var line = new byte[3 << 20];
        Array.Fill(line, (byte)'x');
        line[^1] = (byte)'N';

        var keep = await WithinLimit(() => GrepFilter.Create(["x(?=N)"]).Keep(line));

        Assert.True(keep);
    }

    [Theory]
    [InlineData(@"(\w)\1", "backreference")]
    [InlineData("(?<=x)y", "lookbehind")]
    [InlineData("x(?!y)", "negative lookahead")]
    [InlineData("(?>a+)b", "atomic")]
    [InlineData("(?(x)y|z)", "conditional")]
    [InlineData("(?<o>a)(?<-o>b)", "balancing group")]
    [InlineData(@"\Gx", @"\G")]
    [InlineData("a{20000}", "repetition too large for its automaton")]
    public void Should_name_what_the_linear_engine_refuses(string pattern, string construct)
    {
        Assert.Contains(construct, BoundedRegex.Linear(pattern, default).Refusal);
    }

    [Theory]
    [InlineData("a+?b")]
    [InlineData(@"(?i)\bget\b")]
    [InlineData(@"(?<name>x)y")]
    [InlineData(@"\Ax*\z")]
    [InlineData("a{2,}?")]
    public void Should_run_lazy_quantifiers_inline_options_named_groups_and_anchors_in_linear_time(string pattern)
    {
        Assert.Null(BoundedRegex.Linear(pattern, default).Refusal);
    }
}
