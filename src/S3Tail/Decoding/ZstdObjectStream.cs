using ZstdSharp;

namespace S3Tail.Decoding;

/// <summary>
/// Decompresses a Zstandard object: frames one after another, skippable frames passed over
/// (ZstdSharp's port of zstd's streaming decoder does both, as <c>zstd -d</c> does). Input that
/// ends inside a frame fails instead of ending quietly, so a cut object is never taken for a
/// whole one; every failure is a <see cref="BrokenContentException"/>, as for a broken gzip. (A
/// stream cut exactly between two frames cannot be told from a whole one: zstd has no end marker.)
/// </summary>
internal sealed class ZstdObjectStream(Stream input)
    : DecompressorStream(new DecompressionStream(input, checkEndOfStream: true, leaveOpen: false), "zstd")
{
    protected override string? Broken(Exception e) => e switch
    {
        EndOfStreamException => "truncated (it ends inside a frame)",
        ZstdException z => $"corrupt ({z.Message.TrimEnd('.')})",
        _ => null,
    };
}
