using System.Buffers.Binary;

namespace S3Tail.Decoding;

/// <summary>
/// What a Parquet file is before its footer is read: <c>PAR1</c> at both ends, and just before
/// the last one the footer's length, which must fit in the file (4 bytes of magic at the start,
/// then the footer, its 4-byte length and the magic again). A file cut short keeps its first
/// magic and loses the last; checking both ends here gives that a reason of its own, instead of
/// whatever Parquet.Net's reader makes of the bytes it finds there (a seek before the start of
/// its scratch file, which it reports with the file's path, or an array "too large").
/// </summary>
internal static class ParquetFileShape
{
    private const int MagicBytes = 4;

    /// <summary>Throws <see cref="BrokenContentException"/> unless <paramref name="file"/> (seekable) has Parquet's shape; leaves it at its start.</summary>
    public static async Task CheckAsync(Stream file, CancellationToken cancellationToken)
    {
        long length = file.Length;
        var head = new byte[MagicBytes];
        var tail = new byte[2 * MagicBytes];   // the footer's length, then the magic
        file.Position = 0;
        await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        bool starts = length >= MagicBytes && head.AsSpan().SequenceEqual("PAR1"u8);
        if (!starts)
            throw new BrokenContentException("Parquet", "not Parquet: it does not start with PAR1");
        if (length < 3 * MagicBytes)
            throw new BrokenContentException("Parquet", $"cut short: {length} bytes, too few to hold a footer");
        file.Position = length - tail.Length;
        await file.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
        if (!tail.AsSpan(MagicBytes).SequenceEqual("PAR1"u8))
            throw new BrokenContentException("Parquet", "cut short, or not Parquet: it starts with PAR1 but does not end with it");
        uint footer = BinaryPrimitives.ReadUInt32LittleEndian(tail);
        if (footer == 0 || footer > length - 3 * MagicBytes)
            throw new BrokenContentException("Parquet", $"unreadable: its footer is said to be {footer} bytes long, in a file of {length} bytes");
        file.Position = 0;
    }
}
