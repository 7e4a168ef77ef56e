using S3Tail.Decoding;

namespace S3Tail.Benchmarks;

/// <summary>Counts what would be written, so the benchmark measures the engine, not a terminal.</summary>
public sealed class CountingSink : ILineSink
{
    public long Bytes;
    public long Lines;

    public SinkResult Write(string key, LineBatch batch, CancellationToken stopping)
    {
        Bytes += batch.Length;
        Lines += batch.Newlines;
        return SinkResult.All(batch);
    }
}
