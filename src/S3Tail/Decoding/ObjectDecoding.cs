namespace S3Tail.Decoding;

/// <summary>How an object's decompressed bytes are cut into lines.</summary>
internal enum Framing
{
    /// <summary>The bytes as they are.</summary>
    Lines,
    /// <summary>JSON documents (<see cref="JsonRecordStream"/>).</summary>
    Json,
    /// <summary>A Parquet file (<see cref="ParquetRowStream"/>).</summary>
    Parquet,
}

/// <summary>
/// An object's stored bytes to the lines s3tail writes, in two steps told from the content and
/// never from the key (docs/design.md §14): decompression (<see cref="CompressionDetection"/>),
/// then framing. Under <see cref="ObjectFormat.Auto"/>, content that starts with Parquet's magic
/// <c>PAR1</c> is Parquet (which ends with it too, checked before its footer is read:
/// <see cref="ParquetFileShape"/>), content that
/// starts as a JSON object does (<c>{</c>, then <c>"</c> or <c>}</c>) is JSON; anything else is
/// lines, as it always was.
/// </summary>
internal static class ObjectDecoding
{
    /// <summary>Decoded bytes looked at to tell the framing (whitespace before a JSON document is rare and short).</summary>
    public const int FramingHeadBytes = 4096;

    public static Framing DetectFraming(ReadOnlySpan<byte> head, ObjectFormat format) => format switch
    {
        ObjectFormat.Lines => Framing.Lines,
        ObjectFormat.Records => Framing.Json,
        ObjectFormat.Parquet => Framing.Parquet,
        _ when head.StartsWith("PAR1"u8) => Framing.Parquet,
        _ => StartsAsJsonObject(head) ? Framing.Json : Framing.Lines,
    };

    /// <summary>
    /// '{' and then, past whitespace, '"' or '}' (or the head's end): how every JSON object starts.
    /// A text log whose lines begin with '{' ("{ts} INFO …", a Python dict's "{'a': 1}") does not,
    /// and stays lines, as it was before s3tail knew formats.
    /// </summary>
    private static bool StartsAsJsonObject(ReadOnlySpan<byte> head)
    {
        int first = head.IndexOfAnyExcept(" \t\r\n"u8);
        if (first < 0 || head[first] != '{') return false;
        int next = head[(first + 1)..].IndexOfAnyExcept(" \t\r\n"u8);
        return next < 0 || head[first + 1 + next] is (byte)'"' or (byte)'}';
    }

    /// <summary>
    /// The lines of <paramref name="stored"/>. Broken content fails as <see cref="InvalidDataException"/>
    /// (gzip) or <see cref="BrokenContentException"/> (the rest), here or when it is read.
    /// </summary>
    /// <param name="scratch">makes a private temporary file deleted on close, for content read out of order.</param>
    public static async Task<Stream> DecodeAsync(Stream stored, DecodeOptions options, Func<Stream> scratch, CancellationToken cancellationToken)
    {
        var decompressed = await CompressionDetection.DecompressAsync(stored, scratch, cancellationToken).ConfigureAwait(false);
        if (options.Format == ObjectFormat.Lines) return decompressed;
        try
        {
            var head = new byte[FramingHeadBytes];
            int n = await decompressed.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var whole = new PrefixedStream(head.AsMemory(0, n), decompressed);
            return DetectFraming(head.AsSpan(0, n), options.Format) switch
            {
                Framing.Json => new JsonRecordStream(whole, options.RecordsWithParent),
                Framing.Parquet => await ParquetRowStream.OpenAsync(whole, options.ParquetText, scratch, cancellationToken).ConfigureAwait(false),
                _ => whole,
            };
        }
        catch
        {
            await decompressed.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
