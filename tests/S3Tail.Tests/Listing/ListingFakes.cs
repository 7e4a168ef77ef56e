using S3Tail.Listing;
using S3Tail.Storage;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Listing;

/// <summary>A LIST over an in-memory bucket that records where each LIST started.</summary>
internal sealed class RecordedLists(IEnumerable<string> keys, int pageSize) : IDisposable
{
    private readonly MemorySource _source = new(keys.Select(k => (k, Array.Empty<byte>())));

    public List<string?> Starts { get; } = [];

    public PageSource List => new((startAfter, ct) =>
    {
        lock (Starts) Starts.Add(startAfter);
        return _source.ListAsync("", startAfter, pageSize, ct);
    });

    public void Put(string key) => _source.Put(key, []);

    public void Dispose() => _source.Dispose();

    public static async Task<List<KeyPage>> All(IAsyncEnumerable<KeyPage> pages)
    {
        var all = new List<KeyPage>();
        await foreach (var page in pages) all.Add(page);
        return all;
    }

    /// <summary>Pages of the given keys, as a stage before receives them.</summary>
    public static async IAsyncEnumerable<KeyPage> Given(params KeyPage[] pages)
    {
        foreach (var page in pages)
        {
            await Task.Yield();
            yield return page;
        }
    }

    public static KeyPage Page(bool more, params string[] keys) =>
        new(keys.Select(k => new ObjectInfo(k, "e", 1)).ToList(), keys.LastOrDefault(), more);

    public static IEnumerable<string> KeysOf(IEnumerable<KeyPage> pages) => pages.SelectMany(p => p.Keys.Select(k => k.Key));
}
