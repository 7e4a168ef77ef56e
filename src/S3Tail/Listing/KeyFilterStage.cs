using System.Runtime.CompilerServices;

namespace S3Tail.Listing;

/// <summary>The library's key filter (<c>TailRequest.KeyFilter</c>) as a stage: the pages without the keys it refuses.</summary>
internal static class KeyFilterStage
{
    public static async IAsyncEnumerable<KeyPage> WhereAsync(IAsyncEnumerable<KeyPage> pages, Func<string, bool>? keep,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var page in pages.WithCancellation(cancellationToken).ConfigureAwait(false))
            yield return keep is null ? page : page with { Keys = page.Keys.Where(k => keep(k.Key)).ToList() };
    }
}
