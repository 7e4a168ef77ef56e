using Parquet;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// Which rows of a row group hold an empty list (not a null one) in each top-level list column.
/// Parquet.Net's untyped rows leave both out alike; the column's definition levels tell them
/// apart: a row's first entry defined down to the list itself, and no further, is an empty list
/// (one level less, a null list; more, an element). Lists of groups are not looked at.
/// </summary>
internal static class ParquetEmptyLists
{
    public static async Task<Dictionary<string, bool[]>> FindAsync(ParquetReader reader, int group, IReadOnlyList<Field> fields,
        CancellationToken cancellationToken)
    {
        var empty = new Dictionary<string, bool[]>();
        var lists = fields.OfType<ListField>().Where(l => l.Item is DataField).ToList();
        if (lists.Count == 0) return empty;
        using var rows = reader.OpenRowGroupReader(group);
        foreach (var list in lists)
        {
            using var raw = await rows.ReadRawColumnDataBaseAsync((DataField)list.Item, cancellationToken).ConfigureAwait(false);
            empty[list.Name] = EmptyRows(raw.DefinitionLevels, raw.RepetitionLevels, list.MaxDefinitionLevel - 1, rows.RowCount);
        }
        return empty;
    }

    /// <param name="listLevel">the definition level at which the list is there but holds nothing.</param>
    private static bool[] EmptyRows(ReadOnlySpan<int> definitions, ReadOnlySpan<int> repetitions, int listLevel, long rowCount)
    {
        var empty = new bool[rowCount];
        int row = -1;
        for (int i = 0; i < definitions.Length; i++)
        {
            if (repetitions[i] != 0) continue;   // a further element of the same row
            row++;
            if (row < empty.Length && definitions[i] == listLevel) empty[row] = true;
        }
        return empty;
    }
}
