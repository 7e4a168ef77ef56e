namespace S3Tail.Decoding;

/// <summary>
/// Gzip is recognised by its magic bytes (1f 8b), never by the key's name: ELB logs end in .gz,
/// CloudFront's sometimes do not, and a plain object may well be named .gz.
/// </summary>
internal static class GzipDetection
{
    /// <summary>
    /// The decoded content of <paramref name="stored"/>: a gunzipping stream (multi-member gzip
    /// included) when it starts with the gzip magic, else the bytes as they are.
    /// </summary>
    public static Stream Decode(Stream stored)
    {
        var head = new byte[2];
        return Wrap(head, stored.ReadAtLeast(head, 2, throwOnEndOfStream: false), stored);
    }

    /// <inheritdoc cref="Decode"/>
    public static async Task<Stream> DecodeAsync(Stream stored, CancellationToken cancellationToken)
    {
        var head = new byte[2];
        int n = await stored.ReadAtLeastAsync(head, 2, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return Wrap(head, n, stored);
    }

    /// <summary>True when <paramref name="head"/> (the first bytes) starts with the gzip magic.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> head) => head.Length >= 2 && head[0] == 0x1f && head[1] == 0x8b;

    private static Stream Wrap(byte[] head, int n, Stream stored)
    {
        var whole = new PrefixedStream(head.AsMemory(0, n), stored);
        if (!IsGzip(head.AsSpan(0, n))) return whole;
        // Not GZipStream: it cannot tell a truncated stream from a complete one.
        return new GzipMemberStream(whole);
    }
}
