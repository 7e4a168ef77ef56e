using System.Collections;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace S3Tail.Decoding;

/// <summary>
/// One row group's values, read whole (memory holds one group), by row and top-level column.
/// A file of plain columns only (VPC flow logs, CloudFront v2) is read column by column
/// (<see cref="Columns"/>), about ten times faster than as rows; a file with groups or lists is
/// read as Parquet.Net's untyped rows (<see cref="Rows"/>), which assemble the nesting.
/// </summary>
internal abstract class ParquetGroup
{
    public abstract int RowCount { get; }

    /// <summary>Row <paramref name="row"/>'s value in top-level column <paramref name="column"/>: null for null.</summary>
    public abstract object? Value(int row, int column);

    /// <summary>True when every top-level column is a plain value (no group, no list): it can be read column by column.</summary>
    public static bool IsFlat(IReadOnlyList<Field> fields) => fields.All(f => f is DataField { MaxRepetitionLevel: 0 });

    public static async Task<ParquetGroup> ReadAsync(ParquetReader reader, Stream file, int group, IReadOnlyList<Field> fields,
        CancellationToken cancellationToken) =>
        IsFlat(fields)
            ? await Columns.ReadColumnsAsync(reader, group, fields, cancellationToken).ConfigureAwait(false)
            : await Rows.ReadRowsAsync(reader, file, group, fields, cancellationToken).ConfigureAwait(false);

    /// <summary>Plain columns, each as one value a row (nulls in place, from the definition levels).</summary>
    private sealed class Columns(object?[][] values, int rowCount) : ParquetGroup
    {
        public override int RowCount => rowCount;

        public override object? Value(int row, int column) => values[column][row];

        public static async Task<ParquetGroup> ReadColumnsAsync(ParquetReader reader, int group, IReadOnlyList<Field> fields, CancellationToken cancellationToken)
        {
            using var rows = reader.OpenRowGroupReader(group);
            int count = checked((int)rows.RowCount);
            var values = new object?[fields.Count][];
            for (int c = 0; c < fields.Count; c++)
            {
                using var raw = await rows.ReadRawColumnDataBaseAsync((DataField)fields[c], cancellationToken).ConfigureAwait(false);
                // RawColumnData<T>.NullableValues: one value a row, null where the definition levels say so.
                var perRow = (IEnumerable)raw.GetType().GetProperty("NullableValues")!.GetValue(raw)!;
                var column = values[c] = new object?[count];
                int r = 0;
                foreach (var value in perRow)
                {
                    if (r == count) break;
                    column[r++] = value;
                }
            }
            return new Columns(values, count);
        }
    }

    /// <summary>
    /// Parquet.Net's untyped rows. They leave out an empty list as they do a null one: the
    /// definition levels of top-level list columns tell them apart (<see cref="ParquetEmptyLists"/>).
    /// </summary>
    private sealed class Rows(IList<Dictionary<string, object>> rows, Dictionary<string, bool[]> emptyLists, IReadOnlyList<Field> fields) : ParquetGroup
    {
        public override int RowCount => rows.Count;

        public override object? Value(int row, int column) =>
            rows[row].TryGetValue(fields[column].Name, out var value) && value is not null ? value
            : emptyLists.TryGetValue(fields[column].Name, out var empty) && empty[row] ? Array.Empty<object>()
            : null;

        public static async Task<ParquetGroup> ReadRowsAsync(ParquetReader reader, Stream file, int group, IReadOnlyList<Field> fields,
            CancellationToken cancellationToken)
        {
            file.Position = 0;
            var result = await ParquetSerializer.DeserializeUntypedAsync(file, null, group, cancellationToken).ConfigureAwait(false);
            var empty = await ParquetEmptyLists.FindAsync(reader, group, fields, cancellationToken).ConfigureAwait(false);
            return new Rows(result.Data, empty, fields);
        }
    }
}
