using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet.Data;
using Parquet.File.Values.Primitives;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// Parquet values as JSON (one object a row) or as text (--parquet-text), the way a log reader
/// wants them: integers and decimals as numbers (decimals exactly, at any precision), timestamps
/// as ISO 8601 UTC (to the nanosecond when the file holds nanoseconds), times of day as
/// <c>HH:mm:ss.fff</c>, intervals as ISO 8601 durations (<c>P1Y2M3DT4H5M6.789S</c>), nulls as null
/// (or <c>-</c> in text, as in a text VPC flow log), groups as objects in the schema's order,
/// lists as arrays, binary as base64. Strings keep their characters (no \u escapes but the ones
/// JSON needs).
/// </summary>
internal static class ParquetValues
{
    public static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>
    /// A timestamp's wall clock, marked UTC. Parquet.Net labels timestamps that are not adjusted
    /// to UTC as local without moving them, so the kind is ignored: the clock is what was stored.
    /// </summary>
    public static string Timestamp(DateTime value) =>
        value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A TIMESTAMP stored in nanoseconds since 1970 (UTC, or a wall clock taken as UTC), to the nanosecond.</summary>
    public static string TimestampNanos(long sinceEpoch)
    {
        long seconds = Math.DivRem(sinceEpoch, 1_000_000_000, out long nanoseconds);
        if (nanoseconds < 0) (seconds, nanoseconds) = (seconds - 1, nanoseconds + 1_000_000_000);   // floor, not towards 1970
        var clock = DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return clock + Fraction(nanoseconds) + "Z";
    }

    /// <summary>A TIME of day from nanoseconds since midnight: <c>HH:mm:ss</c> and the fraction there is.</summary>
    public static string TimeOfDay(long nanoseconds)
    {
        long seconds = Math.DivRem(nanoseconds, 1_000_000_000, out long fraction);
        return $"{seconds / 3600:00}:{seconds / 60 % 60:00}:{seconds % 60:00}{Fraction(fraction)}";
    }

    /// <summary>
    /// An INTERVAL as an ISO 8601 duration. Parquet stores three unsigned counts that do not
    /// convert into each other (a month is not a number of days): months (written as years and
    /// months), days, and milliseconds (written as hours, minutes and seconds).
    /// </summary>
    public static string Duration(Interval interval)
    {
        uint months = (uint)interval.Months, days = (uint)interval.Days;
        long milliseconds = (uint)interval.Millis;
        var text = new StringBuilder("P");
        if (months >= 12) text.Append(CultureInfo.InvariantCulture, $"{months / 12}Y");
        if (months % 12 != 0) text.Append(CultureInfo.InvariantCulture, $"{months % 12}M");
        if (days != 0) text.Append(CultureInfo.InvariantCulture, $"{days}D");
        if (milliseconds != 0 || text.Length == 1)
        {
            text.Append('T');
            long seconds = milliseconds / 1000;
            if (seconds >= 3600) text.Append(CultureInfo.InvariantCulture, $"{seconds / 3600}H");
            if (seconds / 60 % 60 != 0) text.Append(CultureInfo.InvariantCulture, $"{seconds / 60 % 60}M");
            if (seconds % 60 != 0 || milliseconds % 1000 != 0 || text.Length == 2)
                text.Append(CultureInfo.InvariantCulture, $"{seconds % 60}{Fraction(milliseconds % 1000 * 1_000_000)}S");
        }
        return text.ToString();
    }

    /// <summary>A DECIMAL exactly, as a JSON number: its unscaled integer with the point put back, no trailing zeros after it.</summary>
    public static string Decimal(BigDecimal value)
    {
        var digits = BigInteger.Abs(value.UnscaledValue).ToString(CultureInfo.InvariantCulture).PadLeft(value.Scale + 1, '0');
        string whole = digits[..^value.Scale], fraction = digits[^value.Scale..].TrimEnd('0');
        return (value.UnscaledValue.Sign < 0 ? "-" : "") + whole + (fraction.Length > 0 ? "." + fraction : "");
    }

    /// <summary>Nanoseconds of a second as <c>.fffffffff</c> without trailing zeros, or nothing when there are none.</summary>
    private static string Fraction(long nanoseconds) =>
        nanoseconds == 0 ? "" : "." + nanoseconds.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0');

    /// <summary>A scalar as text for --parquet-text; null when it is a group or list (written as JSON instead).</summary>
    public static string? Text(object? value) => value switch
    {
        null => "-",
        string s => s,
        ReadOnlyMemory<char> s => s.ToString(),   // strings inside lists come this way
        bool b => b ? "true" : "false",
        DateTime t => Timestamp(t),
        DateTimeOffset t => Timestamp(t.UtcDateTime),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        BigDecimal d => Decimal(d),
        Interval i => Duration(i),
        byte[] bytes => Convert.ToBase64String(bytes),
        ReadOnlyMemory<byte> bytes => Convert.ToBase64String(bytes.Span),
        IFormattable f when value is not IEnumerable => f.ToString(null, CultureInfo.InvariantCulture),
        _ => null,
    };

    public static void Write(Utf8JsonWriter writer, Field? field, object? value)
    {
        switch (value)
        {
            case null: writer.WriteNullValue(); break;
            case string s: writer.WriteStringValue(s); break;
            case ReadOnlyMemory<char> s: writer.WriteStringValue(s.Span); break;
            case ReadOnlyMemory<byte> bytes: writer.WriteBase64StringValue(bytes.Span); break;
            case bool b: writer.WriteBooleanValue(b); break;
            case long l: writer.WriteNumberValue(l); break;
            case int i: writer.WriteNumberValue(i); break;
            case ulong u: writer.WriteNumberValue(u); break;
            case uint u: writer.WriteNumberValue(u); break;
            case short or sbyte or byte or ushort: writer.WriteNumberValue(Convert.ToInt32(value, CultureInfo.InvariantCulture)); break;
            case decimal d: writer.WriteNumberValue(d); break;
            case BigInteger big: writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture), skipInputValidation: true); break;
            case BigDecimal d: writer.WriteRawValue(Decimal(d), skipInputValidation: true); break;
            case Half h when Half.IsFinite(h): writer.WriteNumberValue((float)h); break;
            case double x when double.IsFinite(x): writer.WriteNumberValue(x); break;
            case float x when float.IsFinite(x): writer.WriteNumberValue(x); break;
            case double or float: writer.WriteStringValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); break;
            case ParquetStruct group: WriteGroup(writer, field as StructField, group); break;
            case ParquetMap map: WriteMap(writer, field as MapField, map); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case IEnumerable list:
                writer.WriteStartArray();
                var item = (field as ListField)?.Item ?? field;   // a bare repeated value's elements are of its own field
                foreach (var element in list) Write(writer, item, element);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Text(value)); break;
        }
    }

    /// <summary>A group (struct) as an object, its members in the schema's order.</summary>
    private static void WriteGroup(Utf8JsonWriter writer, StructField? field, ParquetStruct group)
    {
        writer.WriteStartObject();
        for (int i = 0; i < group.Members.Length; i++)
        {
            var member = field?.Fields[i];
            writer.WritePropertyName(member?.Name ?? i.ToString(CultureInfo.InvariantCulture));
            Write(writer, member, group.Members[i]);
        }
        writer.WriteEndObject();
    }

    /// <summary>A map as an object in its own order, each key as text (a null key, which Parquet forbids, as "-").</summary>
    private static void WriteMap(Utf8JsonWriter writer, MapField? field, ParquetMap map)
    {
        writer.WriteStartObject();
        foreach (var (key, value) in map.Entries)
        {
            writer.WritePropertyName(Text(key) ?? key?.ToString() ?? "-");
            Write(writer, field?.Value, value);
        }
        writer.WriteEndObject();
    }
}
