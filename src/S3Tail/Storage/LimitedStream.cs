namespace S3Tail.Storage;

/// <summary>The first <c>limit</c> bytes of a stream, and no more.</summary>
internal sealed class LimitedStream(Stream inner, long limit) : ReadOnlyStream
{
    private readonly long _limit = limit;
    private long _left = limit;

    public override long? KnownLength => _limit;

    public override int Read(Span<byte> buffer)
    {
        if (_left <= 0 || buffer.IsEmpty) return 0;
        int n = inner.Read(buffer[..(int)Math.Min(buffer.Length, _left)]);
        _left -= n;
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_left <= 0 || buffer.IsEmpty) return 0;
        int n = await inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _left)], cancellationToken).ConfigureAwait(false);
        _left -= n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
