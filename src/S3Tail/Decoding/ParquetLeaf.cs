using System.Globalization;
using System.Reflection;
using Parquet;
using Parquet.Data;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// One leaf column of a row group as Parquet stores it: a definition and a repetition level for
/// each entry (an entry is a value, a null, or an empty or null list above it) and the values
/// that are there, in order. <see cref="ParquetAssembler"/> walks these to build rows.
/// Values are read as a log reader wants them (<see cref="ParquetValues"/>); where Parquet.Net's
/// own type would lose what the file holds, they are read as the stored integer instead:
/// TIME as a time of day (Parquet.Net gives a bare number), TIMESTAMP in nanoseconds as all nine
/// digits (Parquet.Net's <see cref="DateTime"/> keeps seven, and rounds towards 1970).
/// </summary>
internal sealed class ParquetLeaf
{
    private static readonly MethodInfo BoxMethod = typeof(ParquetLeaf).GetMethod(nameof(Box), BindingFlags.NonPublic | BindingFlags.Static)!;

    private readonly int[]? _definitions;    // null when the column can hold no null (every entry defined)
    private readonly int[]? _repetitions;    // null when nothing above the column repeats
    private readonly object?[] _values;      // the entries that hold a value, in order
    private int _entry;                      // the next entry to read
    private int _value;                      // the next value to read

    private ParquetLeaf(DataField field, int[]? definitions, int[]? repetitions, object?[] values, int entries)
    {
        Field = field;
        _definitions = definitions;
        _repetitions = repetitions;
        _values = values;
        Entries = entries;
    }

    public DataField Field { get; }

    /// <summary>How many entries the column holds in this row group.</summary>
    public int Entries { get; }

    /// <summary>The next entry's definition level.</summary>
    public int Definition => _definitions?[_entry] ?? Field.MaxDefinitionLevel;

    /// <summary>The next entry's repetition level; -1 past the last entry (no level continues a list there).</summary>
    public int Repetition => _entry >= Entries ? -1 : _repetitions?[_entry] ?? 0;

    /// <summary>Passes over the next entry, which holds no value (a null, or an empty or null list above it).</summary>
    public void Skip() => _entry++;

    /// <summary>The next entry's value, or null when it is not defined down to the value.</summary>
    public object? Take()
    {
        bool defined = Definition == Field.MaxDefinitionLevel;
        _entry++;
        return defined ? _values[_value++] : null;
    }

    public static async Task<ParquetLeaf> ReadAsync(ParquetRowGroupReader rows, DataField field, CancellationToken cancellationToken)
    {
        bool nanos = field is DateTimeDataField { Unit: DateTimeTimeUnit.Nanos, DateTimeFormat: DateTimeFormat.Timestamp };
        using var raw = await rows.ReadRawColumnDataBaseAsync(nanos ? StoredInt64Field.Of(field) : field, cancellationToken).ConfigureAwait(false);
        int entries = checked((int)(rows.GetMetadata(field)?.MetaData?.NumValues ?? 0));
        int[]? definitions = field.MaxDefinitionLevel > 0 ? raw.DefinitionLevels[..entries].ToArray() : null;
        int[]? repetitions = field.MaxRepetitionLevel > 0 ? raw.RepetitionLevels[..entries].ToArray() : null;
        int present = definitions is null ? entries : definitions.AsSpan().Count(field.MaxDefinitionLevel);
        var values = (object?[])BoxMethod.MakeGenericMethod(raw.GetType().GetGenericArguments()[0]).Invoke(null, [raw, present])!;
        if (nanos) Convert(values, v => ParquetValues.TimestampNanos((long)v));
        else if (field is TimeDataField time) Convert(values, v => TimeOfDay(v, time.Precision));
        return new ParquetLeaf(field, definitions, repetitions, values, entries);
    }

    private static object?[] Box<T>(RawColumnData<T> raw, int count) where T : struct
    {
        var values = new object?[count];
        var stored = raw.Values;
        for (int i = 0; i < count; i++) values[i] = stored[i];
        return values;
    }

    private static void Convert(object?[] values, Func<object, string> convert)
    {
        for (int i = 0; i < values.Length; i++) values[i] = convert(values[i]!);
    }

    /// <summary>A TIME value (milliseconds in an int; micro- or nanoseconds in a long) as the time of day it is.</summary>
    private static string TimeOfDay(object stored, TimeUnitPrecision precision)
    {
        long nanoseconds = precision switch
        {
            TimeUnitPrecision.Millis => System.Convert.ToInt64(stored, CultureInfo.InvariantCulture) * 1_000_000,
            TimeUnitPrecision.Micros => (long)stored * 1_000,
            _ => (long)stored,
        };
        return ParquetValues.TimeOfDay(nanoseconds);
    }

    /// <summary>
    /// The column read as the 64-bit integers it stores. Parquet.Net decodes values by the field's
    /// CLR type, and levels by the field's levels and path: a copy of the file's own field (which
    /// keeps its place in the schema) that asks for a long. The type has no setter, public or
    /// internal, so the copy's is set on the property's backing field; a version of Parquet.Net
    /// without it fails here, by name, and the specs of TIMESTAMP_NS catch it.
    /// </summary>
    private static class StoredInt64Field
    {
        private static readonly FieldInfo? ClrTypeField =
            typeof(DataField).GetField($"<{nameof(DataField.ClrType)}>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic);

        public static DataField Of(DataField stored)
        {
            var copy = (DataField)stored.Clone();
            (ClrTypeField ?? throw new MissingFieldException(nameof(DataField), nameof(DataField.ClrType))).SetValue(copy, typeof(long));
            return copy;
        }
    }
}
