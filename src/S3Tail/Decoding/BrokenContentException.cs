namespace S3Tail.Decoding;

/// <summary>
/// An object's content cannot be decoded as <see cref="Format"/> (zstd, Snappy, zip, JSON,
/// Parquet): cut short, corrupt, or beyond a bound. The fetcher reports it exactly as a broken
/// gzip (whose own failures are <see cref="InvalidDataException"/>s, which is sealed): the object is unreadable.
/// </summary>
internal sealed class BrokenContentException(string format, string reason, Exception? inner = null)
    : IOException($"the {format} data is {reason}", inner)
{
    /// <summary>What the content was read as, for "is not valid …".</summary>
    public string Format { get; } = format;

    /// <summary>What is wrong, e.g. "truncated (it ends inside a frame)".</summary>
    public string Reason { get; } = reason;
}
