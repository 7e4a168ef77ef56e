namespace S3Tail.Tests.Support;

/// <summary>
/// Where each zstd frame and each Snappy chunk ends, read from the formats' specifications by
/// hand (RFC 8878 §3.1; Snappy's framing_format.txt), not by the decoders under test: the cuts
/// that no reader can tell from a whole, shorter object.
/// </summary>
public static class FrameBoundaries
{
    /// <summary>The offsets at which a frame (data or skippable) of <paramref name="zstd"/> ends.</summary>
    public static List<int> Zstd(byte[] zstd)
    {
        var ends = new List<int>();
        int at = 0;
        while (at < zstd.Length)
        {
            uint magic = BitConverter.ToUInt32(zstd, at);
            if ((magic & 0xFFFFFFF0) == 0x184D2A50)   // a skippable frame: magic, 4-byte size, its bytes
            {
                at += 8 + (int)BitConverter.ToUInt32(zstd, at + 4);
            }
            else
            {
                if (magic != 0xFD2FB528) throw new InvalidDataException($"no zstd frame at {at}");
                byte descriptor = zstd[at + 4];
                bool singleSegment = (descriptor & 0x20) != 0, checksum = (descriptor & 0x04) != 0;
                int contentSizeBytes = (descriptor >> 6) switch { 0 => singleSegment ? 1 : 0, 1 => 2, 2 => 4, _ => 8 };
                int dictionaryBytes = (descriptor & 3) switch { 0 => 0, 1 => 1, 2 => 2, _ => 4 };
                at += 5 + (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes;
                bool last;
                do   // blocks: a 3-byte header (last, type, size), then size bytes (one for an RLE block)
                {
                    int header = zstd[at] | zstd[at + 1] << 8 | zstd[at + 2] << 16;
                    last = (header & 1) != 0;
                    at += 3 + (((header >> 1) & 3) == 1 ? 1 : header >> 3);
                }
                while (!last);
                if (checksum) at += 4;
            }
            ends.Add(at);
        }
        return ends;
    }

    /// <summary>The offsets at which a chunk of Snappy's framing format ends (a type byte, a 3-byte length, its bytes).</summary>
    public static List<int> Snappy(byte[] snappy)
    {
        var ends = new List<int>();
        for (int at = 0; at < snappy.Length;)
        {
            at += 4 + (snappy[at + 1] | snappy[at + 2] << 8 | snappy[at + 3] << 16);
            ends.Add(at);
        }
        return ends;
    }
}
