using System.Buffers;
using System.Text;
using System.Text.Json;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// A Parquet row as --parquet-text writes it: the layout of a text VPC flow log, one field a
/// value, separated by single spaces, <c>-</c> for null. A flow log's values never hold a space,
/// so its parsers split on spaces; other files' values may, and then every field must still be
/// one token, and a line one row:
/// <list type="bullet">
/// <item>a string that is empty, is <c>-</c>, starts with <c>"</c>, or holds a space, a line end,
/// a tab or another control character is written as a JSON string (<c>""</c>, <c>"-"</c>,
/// <c>"a\nb"</c>), so it is never taken for a null or for two lines;</item>
/// <item>a group or list is written as compact JSON;</item>
/// <item>in both, each space is written <c>\u0020</c> (<c>"c\u0020d"</c>, the same string to any
/// JSON reader), so a field holds no space and a parser that splits on spaces never shifts;</item>
/// <item>everything else (numbers, timestamps, plain words) as it is.</item>
/// </list>
/// </summary>
internal sealed class ParquetTextWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _scratch = new(256);
    private readonly Utf8JsonWriter _json;

    public ParquetTextWriter() => _json = new Utf8JsonWriter(_scratch, ParquetValues.WriterOptions);

    public void WriteRow(IReadOnlyList<Field> fields, object?[] row, IBufferWriter<byte> output)
    {
        for (int i = 0; i < fields.Count; i++)
        {
            if (i > 0) output.Write(" "u8);
            WriteField(fields[i], row[i], output);
        }
    }

    private void WriteField(Field field, object? value, IBufferWriter<byte> output)
    {
        if (value is null)
        {
            output.Write("-"u8);
            return;
        }
        if (ParquetValues.Text(value) is { } text)
        {
            if (!NeedsQuotes(text))
            {
                Encoding.UTF8.GetBytes(text.AsSpan(), output);
                return;
            }
            _json.WriteStringValue(text);
        }
        else ParquetValues.Write(_json, field, value);
        _json.Flush();
        WriteWithoutSpaces(_scratch.WrittenSpan, output);
        _json.Reset();
        _scratch.ResetWrittenCount();
    }

    /// <summary>True when the text, written bare, could be read as a null, as more than one field, or as more than one line.</summary>
    public static bool NeedsQuotes(string text)
    {
        if (text.Length == 0 || text == "-" || text[0] == '"') return true;
        foreach (char c in text)
            if (char.IsWhiteSpace(c) || char.IsControl(c)) return true;
        return false;
    }

    /// <summary>
    /// JSON with each space written <c>\u0020</c>: in compact JSON a space is only ever inside a
    /// string (a quoted scalar written this way reads back the same too).
    /// </summary>
    private static void WriteWithoutSpaces(ReadOnlySpan<byte> json, IBufferWriter<byte> output)
    {
        int space;
        while ((space = json.IndexOf((byte)' ')) >= 0)
        {
            output.Write(json[..space]);
            output.Write(@"\u0020"u8);
            json = json[(space + 1)..];
        }
        output.Write(json);
    }

    public void Dispose() => _json.Dispose();
}
