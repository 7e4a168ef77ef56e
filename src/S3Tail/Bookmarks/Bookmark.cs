using System.Globalization;

namespace S3Tail.Bookmarks;

/// <summary>
/// <c>KEY:LINE</c>: line LINE (1-based) of object KEY was the last line written; <c>KEY:0</c>
/// means nothing of KEY yet. Keys may contain colons, so the line number follows the LAST colon.
/// </summary>
public sealed record Bookmark(string Key, long Line)
{
    public static Bookmark Parse(string text)
    {
        if (!TryParse(text, out var bookmark, out var error)) throw S3TailException.Usage(error);
        return bookmark;
    }

    public static bool TryParse(string text, out Bookmark bookmark, out string error)
    {
        bookmark = null!;
        int colon = text.LastIndexOf(':');
        if (colon < 0)
        {
            error = $"The bookmark '{text}' has no ':LINE': write KEY:LINE, e.g. logs/2016-09-11-02-26-19-718F:120.";
            return false;
        }
        string key = text[..colon], line = text[(colon + 1)..];
        if (key.Length == 0)
        {
            error = $"The bookmark '{text}' names no key: write KEY:LINE.";
            return false;
        }
        if (line.Length == 0 || !line.All(char.IsAsciiDigit)
            || !long.TryParse(line, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            error = $"The bookmark '{text}' has no valid line number after its last ':' (a whole number, 0 or more).";
            return false;
        }
        bookmark = new Bookmark(key, n);
        error = "";
        return true;
    }

    public override string ToString() => $"{Key}:{Line.ToString(CultureInfo.InvariantCulture)}";
}
