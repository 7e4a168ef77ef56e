using S3Tail.Storage;

namespace S3Tail.Benchmarks;

/// <summary>
/// An in-process bucket that adds a fixed latency to every request, like the S3 test server's
/// delay rule but without its own limits, to find where the engine itself is the limit. A LIST
/// may be given a latency of its own (S3's 1,000-key LISTs take far longer than a small GET).
/// </summary>
public sealed class LatencySource(IReadOnlyList<(string Key, byte[] Stored)> objects, TimeSpan latency) : IObjectSource
{
    private readonly (string Key, byte[] Stored)[] _objects = objects.OrderBy(o => o.Key, Utf8Order.Instance).ToArray();
    private Dictionary<string, byte[]>? _byKey;

    /// <summary>The latency of a LIST (null: the same as a GET's).</summary>
    public TimeSpan? ListLatency { get; init; }

    public string BucketName => "in-process";

    public bool ReadsInPlace => false;

    public string Describe(string key) => $"{BucketName}/{key}";

    public string? CacheIdentity => "in-process|bench";

    public async Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        var listLatency = ListLatency ?? latency;
        if (listLatency > TimeSpan.Zero) await Task.Delay(listLatency, cancellationToken);
        int from = startAfter is null ? 0 : FirstAfter(startAfter);
        var page = _objects.Skip(from)
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Take(maxKeys + 1)
            .Select(o => new ObjectInfo(o.Key, $"\"{o.Stored.Length}\"", o.Stored.Length))
            .ToList();
        return new ListPage(page.Take(maxKeys).ToList(), page.Count > maxKeys);
    }

    /// <summary>The share of GETs answered with a throttling error (503 SlowDown), retried by the engine.</summary>
    public double SlowDownProbability { get; init; }

    public async Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken)
    {
        if (latency > TimeSpan.Zero) await Task.Delay(latency, cancellationToken);
        if (SlowDownProbability > 0 && Random.Shared.NextDouble() < SlowDownProbability)
            throw new S3TailException(ErrorKind.Runtime, "503 SlowDown (injected)") { IsTransient = true };
        var byKey = _byKey ??= _objects.ToDictionary(o => o.Key, o => o.Stored, StringComparer.Ordinal);
        var stored = byKey[info.Key];
        return new MemoryStream(stored, (int)offset, stored.Length - (int)offset, writable: false);
    }

    /// <summary>The index of the first object whose key sorts after <paramref name="key"/>.</summary>
    private int FirstAfter(string key)
    {
        int lo = 0, hi = _objects.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (Utf8Order.Instance.Compare(_objects[mid].Key, key) > 0) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    public void Dispose() { }
}
