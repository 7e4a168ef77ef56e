namespace S3Tail.Config;

/// <summary>
/// An INI file as the original s3tail (Python's configparser) reads it: <c>[section]</c> headers,
/// <c>key = value</c> or <c>key: value</c> lines, <c>#</c> and <c>;</c> comments; keys are
/// case-insensitive. Every line is kept as written, so changing one value rewrites only its line
/// and every other section, key and comment survives a save.
/// </summary>
public sealed class IniDocument
{
    private readonly List<Line> _lines = [];

    public static IniDocument Parse(string text, string fileName)
    {
        var doc = new IniDocument();
        string? section = null;
        var raw = text.Replace("\r\n", "\n").Split('\n');
        int count = raw.Length > 0 && raw[^1].Length == 0 ? raw.Length - 1 : raw.Length;
        for (int i = 0; i < count; i++)
        {
            string line = raw[i];
            string trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed[0] is '#' or ';')
            {
                doc._lines.Add(new Line(line, section, null, null));
                continue;
            }
            if (trimmed[0] == '[')
            {
                if (!trimmed.EndsWith(']') || trimmed.Length < 3)
                    throw S3TailException.Usage($"Config file '{fileName}' line {i + 1}: a section header must look like [name].");
                section = trimmed[1..^1].Trim();
                doc._lines.Add(new Line(line, section, null, null));
                continue;
            }
            int sep = IndexOfSeparator(line);
            if (sep <= 0 || line[..sep].Trim().Length == 0)
                throw S3TailException.Usage($"Config file '{fileName}' line {i + 1}: expected 'key = value' or '[section]', found '{trimmed}'.");
            if (section is null)
                throw S3TailException.Usage($"Config file '{fileName}' line {i + 1}: '{trimmed}' comes before any [section] header.");
            doc._lines.Add(new Line(line, section, line[..sep].Trim(), line[(sep + 1)..].Trim()));
        }
        return doc;
    }

    /// <summary>The separator is the first '=' or ':'; a bookmark value may contain more of either.</summary>
    private static int IndexOfSeparator(string line)
    {
        int eq = line.IndexOf('='), colon = line.IndexOf(':');
        return eq < 0 ? colon : colon < 0 ? eq : Math.Min(eq, colon);
    }

    public string? Get(string section, string key) =>
        _lines.LastOrDefault(l => l.Key is not null && Same(l.Section, section) && Same(l.Key, key))?.Value;

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
            _lines[existing] = new Line(text, _lines[existing].Section, key, value);
            return;
        }
        // Right after the section's last key (or its header): blank lines and comments that follow
        // it belong to whatever comes next.
        int at = _lines.FindLastIndex(l => Same(l.Section, section) && (l.Key is not null || l.Text.TrimStart().StartsWith('[')));
        if (at < 0)
        {
            if (_lines.Count > 0 && _lines[^1].Text.Trim().Length > 0) _lines.Add(new Line("", _lines[^1].Section, null, null));
            _lines.Add(new Line($"[{section}]", section, null, null));
            _lines.Add(new Line(text, section, key, value));
            return;
        }
        _lines.Insert(at + 1, new Line(text, section, key, value));
    }

    public override string ToString() => string.Concat(_lines.Select(l => l.Text + "\n"));

    private static bool Same(string? a, string? b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private sealed record Line(string Text, string? Section, string? Key, string? Value);
}
