using System.Buffers;
using S3Tail.Decoding;
using S3Tail.Pipeline;
using S3Tail.Contents;

namespace S3Tail.Filtering;

/// <summary>
/// Runs a <see cref="LineFilter"/> over one fetched object, on a downloader's task (so objects are
/// filtered in parallel), and keeps only the kept lines and which source line each was
/// (<see cref="FilteredContent"/>): copied when they are few, or as ranges of the object to read
/// again when they are many (<see cref="KeptLines"/>). Whole lines go to the filter a batch at a
/// time; a line longer than a batch is put together first, so the filter always sees whole lines
/// (memory for the longest line, only while it is matched).
/// </summary>
internal static class ObjectFilter
{
    /// <param name="batchBytes">the batch size (a property spec cuts objects at random places with small ones).</param>
    public static FilteredContent Apply(ObjectContent content, long skipLines, LineFilter filter, CancellationToken cancellationToken,
        int batchBytes = LineBatchReader.BatchBytes)
    {
        var decoded = content.OpenDecoded();
        using var reader = new LineBatchReader(decoded, skipLines, batchBytes, (decoded as ReadOnlyStream)?.KnownLength);
        var kept = new KeptLines();
        var map = new LineMap();
        var starts = new List<int>();
        var longLine = new ArrayBufferWriter<byte>();
        long longLineStart = 0;   // where the long line being put together starts in the decoded object
        long examined = skipLines;
        while (reader.Next() is { } batch)
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var bytes = batch.Bytes;
                var (offset, own) = reader.LastBatchSpan;
                if (batch.Newlines == 0)
                {
                    // A piece of a line longer than a batch.
                    if (longLine.WrittenCount == 0) longLineStart = offset;
                    longLine.Write(bytes);
                    continue;
                }
                long line = batch.FirstLine;
                int pos = 0;
                if (batch.StartsMidLine)
                {
                    int nl = bytes.IndexOf((byte)'\n');
                    longLine.Write(bytes[..(nl + 1)]);
                    var whole = longLine.WrittenSpan;
                    bool keep;
                    try
                    {
                        keep = filter.Keep(whole[..^1]);
                    }
                    catch (PatternTimeoutException e)
                    {
                        throw e.OnLine(line);
                    }
                    if (keep)
                    {
                        kept.Add(whole, longLineStart, Math.Min(nl + 1, own) + offset - longLineStart);
                        map.Add(line);
                    }
                    longLine.Clear();
                    pos = nl + 1;
                    line++;
                }
                // The rest is whole lines: a batch with a line end ends at one.
                var lines = bytes[pos..];
                starts.Clear();
                try
                {
                    filter.Select(lines, starts);
                }
                catch (PatternTimeoutException e)
                {
                    throw e.OnLine(line + lines[..e.LineOffset].Count((byte)'\n'));
                }
                int counted = 0;
                foreach (int start in starts)
                {
                    line += lines[counted..start].Count((byte)'\n');
                    counted = start;
                    int end = start + lines[start..].IndexOf((byte)'\n') + 1;
                    kept.Add(lines[start..end], offset + pos + start, Math.Min(pos + end, own) - (pos + start));
                    map.Add(line);
                }
                examined = batch.LastLine;
            }
            finally
            {
                batch.Return();
            }
        }
        return new FilteredContent(kept.ToContent(content), map, examined);
    }
}
