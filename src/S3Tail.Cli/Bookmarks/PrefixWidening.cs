using S3Tail.Bookmarks;

namespace S3Tail.Cli.Bookmarks;

/// <summary>
/// A named bookmark saved while reading one prefix (a day) may be used with another (the month,
/// or the next day). When its key is outside the given prefix, the run reads from the common
/// prefix of the two instead, so it continues exactly where the bookmark left off.
/// </summary>
internal static class PrefixWidening
{
    /// <summary>The prefix to list: <paramref name="prefix"/>, or its common prefix with the key.</summary>
    public static string For(string prefix, Bookmark bookmark, string name, out string? warning)
    {
        warning = null;
        if (bookmark.Key.StartsWith(prefix, StringComparison.Ordinal)) return prefix;
        int common = 0;
        while (common < prefix.Length && common < bookmark.Key.Length && prefix[common] == bookmark.Key[common]) common++;
        if (common > 0 && char.IsHighSurrogate(prefix[common - 1])) common--;
        if (common == 0)
            throw S3TailException.Usage(
                $"The bookmark '{name}' is at key '{bookmark.Key}', which shares nothing with the prefix '{prefix}'; " +
                "use another bookmark name or a prefix that contains that key.");
        string widened = prefix[..common];
        warning = $"the bookmark '{name}' is at '{bookmark.Key}', outside the prefix '{prefix}'; reading from the common prefix '{widened}' instead.";
        return widened;
    }
}
