namespace S3Tail.Decoding;

/// <summary>How an object's stored bytes are compressed, told by their first bytes alone.</summary>
internal enum Compression
{
    None,
    /// <summary>gzip, one member or several (<c>1f 8b</c>).</summary>
    Gzip,
    /// <summary>Zstandard frames (<c>28 b5 2f fd</c>), or a skippable frame first (<c>5? 2a 4d 18</c>).</summary>
    Zstd,
    /// <summary>Snappy's framing format: its stream identifier chunk (<c>ff 06 00 00 "sNaPpY"</c>).</summary>
    Snappy,
    /// <summary>A zip archive (<c>50 4b 03 04</c>: a local file header first).</summary>
    Zip,
}

/// <summary>
/// Compression is recognised by magic bytes, never by the key's name (see <see cref="GzipDetection"/>):
/// the same rule for every format, object by object, so a prefix may mix them.
/// </summary>
internal static class CompressionDetection
{
    /// <summary>Bytes of the head that tell every format apart (Snappy's identifier is the longest).</summary>
    public const int HeadBytes = 10;

    private static ReadOnlySpan<byte> SnappyIdentifier => [0xff, 0x06, 0x00, 0x00, (byte)'s', (byte)'N', (byte)'a', (byte)'P', (byte)'p', (byte)'Y'];

    public static Compression Detect(ReadOnlySpan<byte> head)
    {
        if (GzipDetection.IsGzip(head)) return Compression.Gzip;
        if (head.Length >= 4)
        {
            if (head[0] == 0x28 && head[1] == 0xb5 && head[2] == 0x2f && head[3] == 0xfd) return Compression.Zstd;
            // Skippable frames (magic 0x184D2A50 to 0x184D2A5F, little-endian) may come before the first data frame.
            if ((head[0] & 0xf0) == 0x50 && head[1] == 0x2a && head[2] == 0x4d && head[3] == 0x18) return Compression.Zstd;
            if (head[0] == 0x50 && head[1] == 0x4b && head[2] == 0x03 && head[3] == 0x04) return Compression.Zip;
        }
        if (head.StartsWith(SnappyIdentifier)) return Compression.Snappy;
        return Compression.None;
    }

    /// <summary>
    /// The decompressed content of <paramref name="stored"/>, or the bytes as they are when they
    /// are not compressed. Broken data fails as <see cref="InvalidDataException"/> when it is read.
    /// </summary>
    /// <param name="scratch">makes a private temporary file deleted on close: a zip archive's directory is at its end, so it is read from one.</param>
    public static async Task<Stream> DecompressAsync(Stream stored, Func<Stream> scratch, CancellationToken cancellationToken)
    {
        var head = new byte[HeadBytes];
        int n = await stored.ReadAtLeastAsync(head, HeadBytes, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        var whole = new PrefixedStream(head.AsMemory(0, n), stored);
        return Detect(head.AsSpan(0, n)) switch
        {
            // Not GZipStream: it cannot tell a truncated stream from a complete one.
            Compression.Gzip => new GzipMemberStream(whole),
            Compression.Zstd => new ZstdObjectStream(whole),
            Compression.Snappy => new SnappyObjectStream(whole),
            Compression.Zip => await ZipEntriesStream.OpenAsync(whole, scratch, cancellationToken).ConfigureAwait(false),
            _ => whole,
        };
    }
}
