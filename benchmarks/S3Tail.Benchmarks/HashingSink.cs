using System.Security.Cryptography;
using S3Tail.Decoding;

namespace S3Tail.Benchmarks;

/// <summary>Hashes what would be written, so a benchmark case whose output is wrong fails instead of timing as fast.</summary>
public sealed class HashingSink : ILineSink
{
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Bytes { get; private set; }

    public SinkResult Write(string key, LineBatch batch, CancellationToken stopping)
    {
        _sha.AppendData(batch.Bytes);
        Bytes += batch.Length;
        return SinkResult.All(batch);
    }

    public string Hash() => Convert.ToHexString(_sha.GetHashAndReset());
}
