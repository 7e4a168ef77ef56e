namespace S3Tail.Decoding;

/// <summary>
/// A library's decompressing stream read through, with the failures that mean broken content
/// (each library throws its own) turned into a <see cref="BrokenContentException"/> naming the
/// format, as for a broken gzip. A subclass says which failures those are.
/// </summary>
internal abstract class DecompressorStream(Stream decompressing, string format) : ReadOnlyStream
{
    /// <summary>What is wrong with the content when <paramref name="e"/> says it is broken; null for any other failure.</summary>
    protected abstract string? Broken(Exception e);

    public override int Read(Span<byte> buffer)
    {
        try
        {
            return decompressing.Read(buffer);
        }
        catch (Exception e) when (Broken(e) is { } reason)
        {
            throw new BrokenContentException(format, reason, e);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await decompressing.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Broken(e) is { } reason)
        {
            throw new BrokenContentException(format, reason, e);
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) decompressing.Dispose();
        base.Dispose(disposing);
    }
}
