using System.Buffers;
using System.Text.Json;

namespace S3Tail.Decoding;

/// <summary>
/// The lines <see cref="JsonRecordStream"/> makes, gathered until they are read. A JSON value
/// becomes one line: its own bytes when they hold no line end; otherwise the same bytes less the
/// whitespace between tokens (inside strings a line end is always escaped, so every raw one is
/// whitespace), which keeps every member in its place and every string exactly as written.
/// </summary>
internal sealed class JsonLine : IDisposable
{
    /// <summary>A document's scalar member: its name unescaped (to compare) and <c>"name":value</c> as written.</summary>
    internal sealed record Member(byte[] Name, byte[] Bytes);

    private byte[] _bytes = ArrayPool<byte>.Shared.Rent(128 * 1024);
    private int _from, _to;   // lines ready and not yet read

    public int Pending => _to - _from;

    /// <summary>Copies out what is ready, as much as fits.</summary>
    public int Take(Span<byte> destination)
    {
        int n = Math.Min(destination.Length, Pending);
        _bytes.AsSpan(_from, n).CopyTo(destination);
        _from += n;
        if (_from == _to) _from = _to = 0;
        return n;
    }

    /// <summary>One value as one line.</summary>
    public void Write(ReadOnlySpan<byte> value)
    {
        Compact(value);
        Append("\n"u8);
    }

    /// <summary>
    /// A record object with its document's scalar members put in front, less those the record
    /// has a member of the same name for: the record's own value wins.
    /// </summary>
    public void WriteMerged(IReadOnlyList<Member> parent, ReadOnlySpan<byte> record)
    {
        var own = MemberNames(record);
        Append("{"u8);
        bool first = true;
        foreach (var member in parent)
        {
            if (own.Exists(n => n.AsSpan().SequenceEqual(member.Name))) continue;
            if (!first) Append(","u8);
            Append(member.Bytes);
            first = false;
        }
        int open = record.IndexOf((byte)'{'), close = record.LastIndexOf((byte)'}');
        var inner = record[(open + 1)..close];
        if (inner.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
        {
            if (!first) Append(","u8);
            Compact(inner);
        }
        Append("}\n"u8);
    }

    /// <summary>The names of an object's own members, unescaped.</summary>
    private static List<byte[]> MemberNames(ReadOnlySpan<byte> record)
    {
        var names = new List<byte[]>();
        var reader = new Utf8JsonReader(record, new JsonReaderOptions { MaxDepth = JsonRecordStream.MaxDepth });
        while (reader.Read())
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                names.Add(Unescaped(reader.ValueSpan, reader.ValueIsEscaped));
        return names;
    }

    /// <summary>
    /// A member name as the text it stands for: <c>"message\u0054ype"</c> and <c>"messageType"</c>
    /// are one name, and a record's own member wins over its parent's however either is written.
    /// A name whose escapes make no text (a lone surrogate) is compared as written.
    /// </summary>
    public static byte[] Unescaped(ReadOnlySpan<byte> name, bool escaped)
    {
        if (!escaped) return name.ToArray();
        var unescaped = new byte[name.Length];   // unescaping never lengthens
        var reader = new Utf8JsonReader([(byte)'"', .. name, (byte)'"']);
        reader.Read();
        try
        {
            return unescaped[..reader.CopyString(unescaped)];
        }
        catch (InvalidOperationException)
        {
            return name.ToArray();
        }
    }

    /// <summary>The bytes as they are when they hold no line end, else without the whitespace outside strings.</summary>
    private void Compact(ReadOnlySpan<byte> json)
    {
        if (json.IndexOf((byte)'\n') < 0)
        {
            Append(json);
            return;
        }
        Reserve(json.Length);
        var output = _bytes.AsSpan(_to);
        int o = 0;
        bool inString = false, escaped = false;
        foreach (byte b in json)
        {
            if (inString)
            {
                if (escaped) escaped = false;
                else if (b == '\\') escaped = true;
                else if (b == '"') inString = false;
            }
            else if (b == '"') inString = true;
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r') continue;
            output[o++] = b;
        }
        _to += o;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        Reserve(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(_to));
        _to += bytes.Length;
    }

    private void Reserve(int more)
    {
        if (_bytes.Length - _to >= more) return;
        if (_from > 0)
        {
            _bytes.AsSpan(_from, _to - _from).CopyTo(_bytes);
            _to -= _from;
            _from = 0;
            if (_bytes.Length - _to >= more) return;
        }
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _to + more));
        _bytes.AsSpan(0, _to).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = bigger;
    }

    public void Dispose()
    {
        if (_bytes.Length > 0) ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
    }
}
