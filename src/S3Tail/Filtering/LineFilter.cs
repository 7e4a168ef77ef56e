namespace S3Tail.Filtering;

/// <summary>
/// Decides which lines a run keeps (<see cref="TailRequest.Filter"/>). The downloaders call it
/// right after decoding, in parallel across objects, so it must be safe to call from several
/// threads at once. A line is its bytes without the '\n' (a CR before it stays, as grep keeps it).
/// <see cref="GrepFilter.Create"/> makes the CLI's <c>-e/-F/-i/-v</c> filter.
/// </summary>
public abstract class LineFilter
{
    /// <summary>
    /// How to make this filter again on another machine (a worker), or null for a filter that
    /// cannot travel (one a library user wrote): <see cref="GrepFilter"/>'s can.
    /// </summary>
    internal virtual GrepSpec? Spec => null;

    /// <summary>Whether to keep <paramref name="line"/> (its bytes, without the '\n').</summary>
    public abstract bool Keep(ReadOnlySpan<byte> line);

    /// <summary>
    /// Adds to <paramref name="keptStarts"/>, in order, where each kept line of
    /// <paramref name="lines"/> begins. <paramref name="lines"/> is whole lines, each ending in
    /// '\n'. The default asks <see cref="Keep"/> line by line; a filter that can search a whole
    /// buffer at once (a literal, a regular expression) overrides it.
    /// </summary>
    public virtual void Select(ReadOnlySpan<byte> lines, List<int> keptStarts)
    {
        int pos = 0;
        while (pos < lines.Length)
        {
            int nl = lines[pos..].IndexOf((byte)'\n');
            int end = nl < 0 ? lines.Length : pos + nl;
            if (Keep(lines[pos..end])) keptStarts.Add(pos);
            pos = end + 1;
        }
    }
}
