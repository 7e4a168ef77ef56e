using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>A group's (struct's) members, in the schema's order.</summary>
internal sealed record ParquetStruct(object?[] Members);

/// <summary>A map's entries, in the file's order.</summary>
internal sealed record ParquetMap(List<KeyValuePair<object?, object?>> Entries);

/// <summary>
/// Builds rows from a row group's leaf columns (<see cref="ParquetLeaf"/>), the record assembly
/// of the Dremel paper that Parquet's levels are made for. Each call reads one value of a field
/// from the next entries of the leaves under it:
/// <list type="bullet">
/// <item>a definition level below the one at which a field is there makes it null; a list or map
/// there but holding nothing is defined one level below its elements (<c>MaxDefinitionLevel - 1</c>);</item>
/// <item>a list's next element starts at an entry whose repetition level is the list's own;
/// a lower one starts something further out (or the next row).</item>
/// </list>
/// Every entry is read exactly once, so a null inside a list stays a null in its place, and an
/// empty list stays apart from a null one at any depth (Parquet.Net's untyped rows lose both).
/// </summary>
internal sealed class ParquetAssembler
{
    private readonly IReadOnlyList<Field> _fields;
    private readonly Dictionary<Field, ParquetLeaf[]> _leavesUnder = new(ReferenceEqualityComparer.Instance);

    public ParquetAssembler(IReadOnlyList<Field> fields, IReadOnlyList<ParquetLeaf> leaves)
    {
        _fields = fields;
        var byField = leaves.ToDictionary(l => (Field)l.Field, (IEqualityComparer<Field>)ReferenceEqualityComparer.Instance);
        foreach (var field in fields) Index(field, byField);
    }

    /// <summary>The leaf columns of a schema's fields, in the file's column order.</summary>
    public static IEnumerable<DataField> Leaves(Field field) => field switch
    {
        DataField data => [data],
        StructField group => group.Fields.SelectMany(Leaves),
        ListField list => Leaves(list.Item),
        MapField map => Leaves(map.Key).Concat(Leaves(map.Value)),
        _ => throw new NotSupportedException($"a Parquet field of kind {field.SchemaType}"),
    };

    /// <summary>Reads the next row's top-level values into <paramref name="row"/>.</summary>
    public void ReadRow(object?[] row)
    {
        for (int i = 0; i < _fields.Count; i++) row[i] = Read(_fields[i]);
    }

    private ParquetLeaf[] Index(Field field, Dictionary<Field, ParquetLeaf> byField)
    {
        ParquetLeaf[] under = field switch
        {
            DataField => [byField[field]],
            StructField group => group.Fields.SelectMany(f => Index(f, byField)).ToArray(),
            ListField list => Index(list.Item, byField),
            MapField map => [.. Index(map.Key, byField), .. Index(map.Value, byField)],
            _ => throw new NotSupportedException($"a Parquet field of kind {field.SchemaType}"),
        };
        return _leavesUnder[field] = under;
    }

    private object? Read(Field field)
    {
        var leaves = _leavesUnder[field];
        int definition = leaves[0].Definition;
        switch (field)
        {
            case DataField { IsArray: false }:
                return leaves[0].Take();
            case DataField repeated:   // a bare repeated value (Parquet's legacy list): never null, maybe empty
                return definition < repeated.MaxDefinitionLevel ? SkipAll(leaves, new List<object?>())
                    : Repeat(leaves[0], repeated.MaxRepetitionLevel, () => leaves[0].Take());
            case StructField group:
                if (definition < group.MaxDefinitionLevel) return SkipAll(leaves, null);
                var members = new object?[group.Fields.Count];
                for (int i = 0; i < members.Length; i++) members[i] = Read(group.Fields[i]);
                return new ParquetStruct(members);
            case ListField list:
                if (definition < list.MaxDefinitionLevel - 1) return SkipAll(leaves, null);
                if (definition == list.MaxDefinitionLevel - 1) return SkipAll(leaves, new List<object?>());
                return Repeat(leaves[0], list.MaxRepetitionLevel, () => Read(list.Item));
            case MapField map:
                if (definition < map.MaxDefinitionLevel - 1) return SkipAll(leaves, null);
                if (definition == map.MaxDefinitionLevel - 1) return SkipAll(leaves, new ParquetMap([]));
                var entries = Repeat(leaves[0], map.MaxRepetitionLevel, () => new KeyValuePair<object?, object?>(Read(map.Key), Read(map.Value)));
                return new ParquetMap(entries);
            default:
                throw new NotSupportedException($"a Parquet field of kind {field.SchemaType}");
        }
    }

    /// <summary>Elements while the next entry repeats at <paramref name="level"/>: the first, then each that continues the same list.</summary>
    private static List<T> Repeat<T>(ParquetLeaf first, int level, Func<T> read)
    {
        var elements = new List<T>();
        do elements.Add(read());
        while (first.Repetition == level);
        return elements;
    }

    /// <summary>A value with nothing under it: each leaf below holds one entry for it, passed over.</summary>
    private static object? SkipAll(ParquetLeaf[] leaves, object? value)
    {
        foreach (var leaf in leaves) leaf.Skip();
        return value;
    }
}
