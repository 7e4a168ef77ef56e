namespace S3Tail.Storage;

/// <summary>One listed object. <paramref name="Size"/> is the stored size in bytes (before gunzip).</summary>
public sealed record ObjectInfo(string Key, string ETag, long Size)
{
    /// <summary>
    /// Set when the listing found something it cannot read at this key (a local folder without
    /// permission): the error travels on the item, and reading it fails with this sentence.
    /// </summary>
    public string? Unreadable { get; init; }
}

/// <summary>One page of a listing, in key order. <see cref="IsTruncated"/> says more keys follow.</summary>
public sealed record ListPage(IReadOnlyList<ObjectInfo> Objects, bool IsTruncated);
