using System.Runtime.CompilerServices;
using S3Tail.Bookmarks;
using S3Tail.Storage;

namespace S3Tail.Listing;

/// <summary>
/// Resuming from a bookmark: where the listing starts, the keys before the bookmark's own that a
/// LIST still returns (dropped), and the lines of the bookmark's object already written.
/// </summary>
internal static class BookmarkSkip
{
    /// <summary>
    /// Where the listing starts for a run that resumes on <paramref name="firstKey"/>. StartAfter
    /// is exclusive and the bookmark's own key must be listed: start after the key less its last
    /// character (a prefix of it, so not after it); the few keys between that and the bookmark's
    /// key are dropped by <see cref="SkipAsync"/>.
    /// </summary>
    public static string? StartAfter(string? firstKey) =>
        firstKey is { Length: > 0 } ? firstKey[..^(char.IsLowSurrogate(firstKey[^1]) && firstKey.Length > 1 ? 2 : 1)] : null;

    /// <summary>The pages without the keys that sort before the bookmark's key.</summary>
    public static async IAsyncEnumerable<KeyPage> SkipAsync(IAsyncEnumerable<KeyPage> pages, Bookmark? bookmark,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return bookmark is null ? page : page with { Keys = Keep(page.Keys, bookmark.Key) };
    }

    /// <summary>Lines of <paramref name="key"/> written before: the bookmark's line in its own object, else none.</summary>
    public static long LinesToSkip(Bookmark? bookmark, string key) => bookmark is { } b && b.Key == key ? b.Line : 0;

    private static IReadOnlyList<ObjectInfo> Keep(IReadOnlyList<ObjectInfo> keys, string first)
    {
        if (keys.Count == 0 || Utf8Order.Instance.Compare(keys[0].Key, first) >= 0) return keys;
        return keys.Where(k => Utf8Order.Instance.Compare(k.Key, first) >= 0).ToList();
    }
}
