using System.Collections.Concurrent;
using S3Tail.Storage;

namespace S3Tail.Tests.Support;

/// <summary>
/// An in-memory bucket for actor and library tests: objects by key, an optional delay before
/// every open, keys that fail on open, and a count of opens per key.
/// </summary>
public sealed class MemorySource(IEnumerable<(string Key, byte[] Content)> objects) : IObjectSource
{
    private readonly SortedDictionary<string, byte[]> _objects = new(objects.ToDictionary(o => o.Key, o => o.Content), ByteOrder.Instance);

    public ConcurrentDictionary<string, int> Opens { get; } = new();

    /// <summary>Keys whose open throws this exception.</summary>
    public ConcurrentDictionary<string, Exception> Failures { get; } = new();

    public TimeSpan OpenDelay { get; set; }

    /// <summary>The most opens that were waiting out their delay at the same moment.</summary>
    public int MaxConcurrentOpens => _maxConcurrent;

    private int _concurrent;
    private int _maxConcurrent;

    public string BucketName => "memory";

    public bool ReadsInPlace => false;

    public string Describe(string key) => $"{BucketName}/{key}";

    public string? CacheIdentity => "memory|memory";

    /// <summary>Adds (or replaces) an object while runs may be listing: what a follow sees arrive.</summary>
    public void Put(string key, byte[] content)
    {
        lock (_objects) _objects[key] = content;
    }

    /// <summary>Sizes the listing reports instead of the content's (an object "of 100 MiB" without the bytes).</summary>
    public ConcurrentDictionary<string, long> ListedSizes { get; } = new();

    /// <summary>How many LISTs were asked for.</summary>
    public int Lists => Volatile.Read(ref _lists);

    private int _lists;

    public Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _lists);
        lock (_objects) return Task.FromResult(List(prefix, startAfter, maxKeys));
    }

    private ListPage List(string prefix, string? startAfter, int maxKeys)
    {
        var keys = _objects
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal)
                        && (startAfter is null || ByteOrder.Instance.Compare(o.Key, startAfter) > 0))
            .Take(maxKeys + 1)
            .Select(o => new ObjectInfo(o.Key, $"\"{o.Value.Length}\"", ListedSizes.TryGetValue(o.Key, out long size) ? size : o.Value.Length))
            .ToList();
        return new ListPage(keys.Take(maxKeys).ToList(), keys.Count > maxKeys);
    }

    public async Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken)
    {
        Opens.AddOrUpdate(info.Key, 1, (_, n) => n + 1);
        int now = Interlocked.Increment(ref _concurrent);
        int max;
        while (now > (max = _maxConcurrent) && Interlocked.CompareExchange(ref _maxConcurrent, now, max) != max) { }
        try
        {
            if (OpenDelay > TimeSpan.Zero) await Task.Delay(OpenDelay, cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
        if (Failures.TryGetValue(info.Key, out var failure)) throw failure;
        byte[] content;
        lock (_objects) content = _objects[info.Key];
        return new MemoryStream(content, (int)offset, content.Length - (int)offset, writable: false);
    }

    public void Dispose() { }
}
