namespace S3Tail.Storage;

/// <summary>
/// S3 lists keys in the byte order of their UTF-8 encoding. Ordinal string comparison compares
/// UTF-16 code units instead, which disagrees for characters above U+FFFF (surrogates, D800..DFFF)
/// against U+E000..U+FFFF. Moving the surrogates above that range at the first differing unit gives
/// code point order, which is UTF-8 byte order, without encoding either string.
/// </summary>
internal sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        int n = Math.Min(x.Length, y.Length);
        for (int i = 0; i < n; i++)
        {
            char a = x[i], b = y[i];
            if (a != b) return Fix(a) - Fix(b);
        }
        return x.Length - y.Length;
    }

    private static int Fix(char c) => c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
}
