using S3Tail.Cache;
using S3Tail.Decoding;

namespace S3Tail.Pipeline;

/// <summary>
/// Where a fetched object's decoded bytes wait to be written: a reference to a file, never the
/// bytes themselves, so a message stays small whatever the object's size.
/// </summary>
public abstract record ObjectContent
{
    /// <summary>Opens the decoded bytes from the start.</summary>
    public abstract Stream OpenDecoded();

    /// <summary>Called once the object is written out (or abandoned).</summary>
    public virtual void Release() { }
}

/// <summary>A cache entry: stays after use.</summary>
public sealed record CachedContent(string EntryPath) : ObjectContent
{
    public override Stream OpenDecoded() => EntryFile.OpenDecoded(EntryPath);
}

/// <summary>A spool file (cache off): deleted once written out.</summary>
public sealed record SpooledContent(string SpoolPath) : ObjectContent
{
    public override Stream OpenDecoded() => EntryFile.OpenDecoded(SpoolPath);

    public override void Release()
    {
        try { File.Delete(SpoolPath); } catch (IOException) { }
    }
}

/// <summary>A file of a local-folder source, read in place (gunzipped if it is gzip).</summary>
public sealed record InPlaceContent(string FilePath) : ObjectContent
{
    public override Stream OpenDecoded() =>
        GzipDetection.Decode(new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
            64 * 1024, FileOptions.SequentialScan));
}
