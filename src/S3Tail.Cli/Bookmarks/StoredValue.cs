using System.Globalization;
using System.Text;

namespace S3Tail.Cli.Bookmarks;

/// <summary>
/// How a bookmark is written in the config file so that any key round-trips exactly. S3 keys may
/// hold newlines, tabs, leading or trailing spaces and lone UTF-16 halves, none of which survive
/// an INI line. A plain value is written as it is (as the original tool wrote it); anything else
/// is written in double quotes with backslash escapes (<c>\n \r \t \\ \" \uXXXX</c>), which a
/// reader tells apart because no plain value starts with a quote.
/// </summary>
internal static class StoredValue
{
    public static string Encode(string value) => IsPlain(value) ? value : Quote(value);

    public static bool TryDecode(string stored, out string value)
    {
        value = stored;
        if (stored.Length < 2 || stored[0] != '"' || stored[^1] != '"') return true;
        var text = new StringBuilder(stored.Length);
        for (int i = 1; i < stored.Length - 1; i++)
        {
            char c = stored[i];
            if (c != '\\') { text.Append(c); continue; }
            if (++i >= stored.Length - 1) return false;
            switch (stored[i])
            {
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case '\\': text.Append('\\'); break;
                case '"': text.Append('"'); break;
                case 'u' when i + 4 < stored.Length - 1
                              && ushort.TryParse(stored.AsSpan(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code):
                    text.Append((char)code);
                    i += 4;
                    break;
                default: return false;
            }
        }
        value = text.ToString();
        return true;
    }

    private static bool IsPlain(string value)
    {
        if (value.Length == 0 || value[0] == '"' || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])) return false;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (char.IsControl(c)) return false;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c)) return false;
        }
        return true;
    }

    private static string Quote(string value)
    {
        var text = new StringBuilder(value.Length + 8).Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case '\\': text.Append("\\\\"); break;
                case '"': text.Append("\\\""); break;
                default:
                    bool pair = char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]);
                    if (pair) { text.Append(c).Append(value[++i]); break; }
                    if (char.IsControl(c) || char.IsSurrogate(c) || c is '\u2028' or '\u2029' or '\u0085')
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else text.Append(c);
                    break;
            }
        }
        return text.Append('"').ToString();
    }
}
