using Parquet;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// One row group's values, read whole (memory holds one group): every leaf column is read as
/// Parquet stores it (<see cref="ParquetLeaf"/>), and rows are built from them in order
/// (<see cref="ParquetAssembler"/>). A file of plain columns (VPC flow logs, CloudFront v2)
/// costs one entry a value; groups and lists are assembled from their levels.
/// </summary>
internal sealed class ParquetGroup
{
    private readonly ParquetAssembler _assembler;
    private int _read;

    private ParquetGroup(ParquetAssembler assembler, int rowCount)
    {
        _assembler = assembler;
        RowCount = rowCount;
    }

    public int RowCount { get; }

    /// <summary>True once every row has been read.</summary>
    public bool AllRead => _read == RowCount;

    /// <summary>The next row's top-level values, in the schema's order, into <paramref name="row"/> (null for null).</summary>
    public void ReadRow(object?[] row)
    {
        _assembler.ReadRow(row);
        _read++;
    }

    public static async Task<ParquetGroup> ReadAsync(ParquetReader reader, int group, IReadOnlyList<Field> fields, CancellationToken cancellationToken)
    {
        using var rows = reader.OpenRowGroupReader(group);
        var leaves = new List<ParquetLeaf>();
        foreach (var field in fields.SelectMany(ParquetAssembler.Leaves))
            leaves.Add(await ParquetLeaf.ReadAsync(rows, field, cancellationToken).ConfigureAwait(false));
        return new ParquetGroup(new ParquetAssembler(fields, leaves), checked((int)rows.RowCount));
    }
}
