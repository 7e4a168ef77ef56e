using S3Tail.Storage;

namespace S3Tail.Benchmarks;

/// <summary>
/// An in-process bucket that adds a fixed latency to every request, like the S3 test server's
/// delay rule but without its own limits, to find where the engine itself is the limit.
/// </summary>
public sealed class LatencySource(IReadOnlyList<(string Key, byte[] Stored)> objects, TimeSpan latency) : IObjectSource
{
    private readonly (string Key, byte[] Stored)[] _objects = objects.OrderBy(o => o.Key, Utf8Order.Instance).ToArray();

    public string BucketName => "in-process";

    public bool ReadsInPlace => false;

    public string Describe(string key) => $"{BucketName}/{key}";

    public string? CacheIdentity => "in-process|bench";

    public async Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        if (latency > TimeSpan.Zero) await Task.Delay(latency, cancellationToken);
        var page = _objects
            .Where(o => o.Key.StartsWith(prefix, StringComparison.Ordinal) && (startAfter is null || Utf8Order.Instance.Compare(o.Key, startAfter) > 0))
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
        var stored = _objects[Array.FindIndex(_objects, o => o.Key == info.Key)].Stored;
        return new MemoryStream(stored, (int)offset, stored.Length - (int)offset, writable: false);
    }

    public void Dispose() { }
}
