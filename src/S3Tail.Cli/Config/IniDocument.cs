using System.Text;

namespace S3Tail.Cli.Config;

/// <summary>
/// An INI file as the original s3tail (Python's configparser) reads it: <c>[section]</c> headers,
/// <c>key = value</c> or <c>key: value</c> lines, <c>#</c> and <c>;</c> comments; keys are
/// case-insensitive.
///
/// The file is the user's: every line is kept as the bytes it was read as — its encoding (a
/// Latin-1 comment stays Latin-1), its line end (CRLF stays CRLF), a BOM — so changing one value
/// rewrites only that line, and a line added uses the file's own line end.
/// </summary>
internal sealed class IniDocument
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(false, throwOnInvalidBytes: true);

    private readonly List<Line> _lines = [];
    private byte[] _bom = [];
    private string _newline = "\n";

    /// <summary>Parses text (as if read from a UTF-8 file).</summary>
    public static IniDocument Parse(string text, string fileName) => Parse(Encoding.UTF8.GetBytes(text), fileName);

    /// <summary>Parses a file's bytes; lines that are not UTF-8 are read as Latin-1 and kept as they were.</summary>
    public static IniDocument Parse(byte[] bytes, string fileName)
    {
        var doc = new IniDocument();
        var rest = bytes.AsSpan();
        if (rest.StartsWith(Bom))
        {
            doc._bom = Bom;
            rest = rest[Bom.Length..];
        }
        string? section = null;
        int number = 0;
        bool sawNewline = false;
        while (!rest.IsEmpty)
        {
            number++;
            int nl = rest.IndexOf((byte)'\n');
            var raw = nl < 0 ? rest : rest[..(nl + 1)];
            rest = rest[raw.Length..];
            var body = raw.EndsWith("\r\n"u8) ? raw[..^2] : raw.EndsWith("\n"u8) ? raw[..^1] : raw;
            if (!sawNewline && nl >= 0)
            {
                sawNewline = true;
                if (raw.EndsWith("\r\n"u8)) doc._newline = "\r\n";
            }
            string line = Decode(body);
            var parsed = ParseLine(line, ref section, number, fileName);
            doc._lines.Add(parsed with { Raw = raw.ToArray() });
        }
        return doc;
    }

    private static string Decode(ReadOnlySpan<byte> bytes)
    {
        try { return StrictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return Encoding.Latin1.GetString(bytes); }
    }

    private static Line ParseLine(string line, ref string? section, int number, string fileName)
    {
        string trimmed = line.Trim();
        if (trimmed.Length == 0 || trimmed[0] is '#' or ';') return new Line(line, section, null, null, number);
        if (trimmed[0] == '[')
        {
            if (!trimmed.EndsWith(']') || trimmed.Length < 3)
                throw S3TailException.Usage($"Config file '{fileName}' line {number}: a section header must look like [name].");
            section = trimmed[1..^1].Trim();
            return new Line(line, section, null, null, number);
        }
        int sep = IndexOfSeparator(line);
        if (sep <= 0 || line[..sep].Trim().Length == 0)
            throw S3TailException.Usage($"Config file '{fileName}' line {number}: expected 'key = value' or '[section]', found '{trimmed}'.");
        if (section is null)
            throw S3TailException.Usage($"Config file '{fileName}' line {number}: '{trimmed}' comes before any [section] header.");
        return new Line(line, section, line[..sep].Trim(), line[(sep + 1)..].Trim(), number);
    }

    /// <summary>The separator is the first '=' or ':'; a bookmark value may contain more of either.</summary>
    private static int IndexOfSeparator(string line)
    {
        int eq = line.IndexOf('='), colon = line.IndexOf(':');
        return eq < 0 ? colon : colon < 0 ? eq : Math.Min(eq, colon);
    }

    public string? Get(string section, string key) => Find(section, key)?.Value;

    /// <summary>A value and the (1-based) line it is on, for messages; null when absent.</summary>
    public (string Value, int LineNumber)? Find(string section, string key) =>
        _lines.LastOrDefault(l => l.Key is not null && Same(l.Section, section) && Same(l.Key, key)) is { } l ? (l.Value!, l.Number) : null;

    /// <summary>The keys and values of a section, in file order.</summary>
    public IEnumerable<(string Key, string Value)> Entries(string section) =>
        _lines.Where(l => l.Key is not null && Same(l.Section, section)).Select(l => (l.Key!, l.Value!));

    /// <summary>Sets a value: rewrites its line, or adds it at the end of its section (made if missing).</summary>
    public void Set(string section, string key, string value)
    {
        string text = $"{key} = {value}";
        int existing = _lines.FindLastIndex(l => l.Key is not null && Same(l.Section, section) && Same(l.Key, key));
        if (existing >= 0)
        {
            var old = _lines[existing];
            // Keep the line's own line end.
            _lines[existing] = new Line(text, old.Section, key, value, old.Number) { Newline = NewlineOf(old.Raw) };
            return;
        }
        // Right after the section's last key (or its header): blank lines and comments that follow
        // it belong to whatever comes next.
        int at = _lines.FindLastIndex(l => Same(l.Section, section) && (l.Key is not null || l.Text.TrimStart().StartsWith('[')));
        if (at < 0)
        {
            if (_lines.Count > 0 && _lines[^1].Text.Trim().Length > 0) _lines.Add(new Line("", _lines[^1].Section, null, null, 0));
            _lines.Add(new Line($"[{section}]", section, null, null, 0));
            _lines.Add(new Line(text, section, key, value, 0));
            return;
        }
        _lines.Insert(at + 1, new Line(text, section, key, value, 0));
    }

    /// <summary>The file's bytes: unchanged lines exactly as read, changed and new ones in UTF-8.</summary>
    public byte[] ToBytes()
    {
        var output = new MemoryStream();
        output.Write(_bom);
        for (int i = 0; i < _lines.Count; i++)
        {
            var line = _lines[i];
            bool last = i == _lines.Count - 1;
            if (line.Raw is { } raw)
            {
                output.Write(raw);
                // The file's last line had no line end; something now follows it.
                if (!last && NewlineOf(raw) is null) output.Write(Encoding.UTF8.GetBytes(_newline));
                continue;
            }
            output.Write(Encoding.UTF8.GetBytes(line.Text));
            output.Write(Encoding.UTF8.GetBytes(line.Newline ?? _newline));
        }
        return output.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(ToBytes());

    private static string? NewlineOf(byte[]? raw) =>
        raw is null ? null : raw.AsSpan().EndsWith("\r\n"u8) ? "\r\n" : raw.AsSpan().EndsWith("\n"u8) ? "\n" : null;

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    /// <summary>One line: the bytes it was read as (null once changed), and what it says.</summary>
    private sealed record Line(string Text, string? Section, string? Key, string? Value, int Number)
    {
        public byte[]? Raw { get; init; }
        public string? Newline { get; init; }
    }
}
