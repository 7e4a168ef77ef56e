using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// Parquet values as JSON (one object a row) or as text (--parquet-text), the way a log reader
/// wants them: integers and decimals as numbers, timestamps as ISO 8601 UTC, nulls as null (or
/// <c>-</c> in text, as in a text VPC flow log), groups as objects in the schema's order, lists as
/// arrays, binary as base64. Strings keep their characters (no \u escapes but the ones JSON needs).
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
        byte[] bytes => Convert.ToBase64String(bytes),
        ReadOnlyMemory<byte> bytes => Convert.ToBase64String(bytes.Span),
        IFormattable f when value is not IDictionary and not IEnumerable => f.ToString(null, CultureInfo.InvariantCulture),
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
            case double x when double.IsFinite(x): writer.WriteNumberValue(x); break;
            case float x when float.IsFinite(x): writer.WriteNumberValue(x); break;
            case double or float: writer.WriteStringValue(((IFormattable)value).ToString(null, CultureInfo.InvariantCulture)); break;
            case IDictionary group: WriteGroup(writer, field, group); break;
            case byte[] bytes: writer.WriteBase64StringValue(bytes); break;
            case IEnumerable list:
                writer.WriteStartArray();
                var item = (field as ListField)?.Item;
                foreach (var element in list) Write(writer, item, element);
                writer.WriteEndArray();
                break;
            default: writer.WriteStringValue(Text(value)); break;
        }
    }

    /// <summary>A group (struct or map) as an object: a struct's members in the schema's order, a map's in its own.</summary>
    private static void WriteGroup(Utf8JsonWriter writer, Field? field, IDictionary group)
    {
        writer.WriteStartObject();
        if (field is StructField structure)
        {
            foreach (var member in structure.Fields)
            {
                writer.WritePropertyName(member.Name);
                Write(writer, member, group.Contains(member.Name) ? group[member.Name] : null);
            }
        }
        else
        {
            foreach (DictionaryEntry entry in group)
            {
                writer.WritePropertyName(Text(entry.Key) ?? entry.Key.ToString() ?? "");
                Write(writer, null, entry.Value);
            }
        }
        writer.WriteEndObject();
    }
}
