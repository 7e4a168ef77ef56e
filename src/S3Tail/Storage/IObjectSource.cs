namespace S3Tail.Storage;

/// <summary>
/// What S3 and a local folder both do: list keys under a prefix in UTF-8 byte order, a page at a
/// time, and open an object's stored bytes from an offset. S3-only concerns (credentials, the
/// endpoint) live on <see cref="S3ObjectSource"/>.
/// </summary>
public interface IObjectSource : IDisposable
{
    /// <summary>The bucket name, or the folder that plays the bucket; used in messages.</summary>
    string BucketName { get; }

    /// <summary>
    /// The identity of the bucket for cache keys: <c>ENDPOINT|BUCKET</c> (endpoint empty for AWS),
    /// or null for a source that is read in place and never cached.
    /// </summary>
    string? CacheIdentity { get; }

    /// <summary>
    /// True when an object's stored bytes can be read where they are, again and cheaply (a local
    /// folder's files); false when they must be fetched and kept (S3).
    /// </summary>
    bool ReadsInPlace { get; }

    /// <summary>How to name the object in a message: <c>s3://BUCKET/KEY</c>, or a file's path.</summary>
    string Describe(string key);

    /// <summary>Keys under <paramref name="prefix"/> strictly after <paramref name="startAfter"/>.</summary>
    Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken);

    /// <summary>The stored bytes of the object from byte <paramref name="offset"/> on.</summary>
    Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// <paramref name="length"/> stored bytes from byte <paramref name="offset"/> (a part of a
    /// large object fetched in parallel). S3 asks for just that range; the default reads from the
    /// offset and stops.
    /// </summary>
    async Task<Stream> OpenRangeAsync(ObjectInfo info, long offset, long length, CancellationToken cancellationToken) =>
        new LimitedStream(await OpenReadAsync(info, offset, cancellationToken).ConfigureAwait(false), length);
}
