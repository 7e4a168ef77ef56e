namespace S3Tail.Filtering;

/// <summary>Finds the lines a set of patterns matches (<see cref="GrepFilter"/> turns it into a filter, inverted or not).</summary>
internal abstract class Matcher
{
    public abstract bool IsMatch(ReadOnlySpan<byte> line);

    /// <summary>Adds where each matching line of <paramref name="lines"/> (whole lines) begins, in order.</summary>
    public abstract void Matching(ReadOnlySpan<byte> lines, List<int> starts);
}
