namespace S3Tail;

/// <summary>
/// A forward-only, read-only stream: the base of the engine's stream wrappers (gunzip, resumable
/// download, checked cache entry…), which only implement <see cref="Read(Span{byte})"/> and, where
/// they do I/O, <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>.
/// </summary>
internal abstract class ReadOnlyStream : Stream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public abstract override int Read(Span<byte> buffer);

    /// <summary>How many bytes the stream will give, where that is known up front (null: unknown).</summary>
    public virtual long? KnownLength => null;

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>
    /// Reads synchronously, for a stream that does no I/O of its own. Without this, Stream's
    /// default would call the byte[] overload above, which calls this: a stack overflow for any
    /// wrapper that only implements <see cref="Read(Span{byte})"/> and is read asynchronously.
    /// </summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        cancellationToken.IsCancellationRequested ? ValueTask.FromCanceled<int>(cancellationToken) : new(Read(buffer.Span));

    /// <summary>
    /// <see cref="Read(Span{byte})"/> for a stream whose reads are asynchronous I/O (it must
    /// override <see cref="ReadAsync(Memory{byte}, CancellationToken)"/>): waits for one, for
    /// callers that cannot await. The engine itself always reads such streams asynchronously.
    /// </summary>
    protected int ReadByWaiting(Span<byte> buffer)
    {
        var copy = new byte[buffer.Length];
        int n = ReadAsync(copy).AsTask().GetAwaiter().GetResult();
        copy.AsSpan(0, n).CopyTo(buffer);
        return n;
    }

    // Stream's contract for what a forward-only reader cannot do: callers check CanSeek and
    // CanWrite first; these throw only for a caller that ignores them.
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw ForwardOnly();
    public override long Position { get => throw ForwardOnly(); set => throw ForwardOnly(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw ForwardOnly();
    public override void SetLength(long value) => throw ForwardOnly();
    public override void Write(byte[] buffer, int offset, int count) => throw ForwardOnly();

    protected static NotSupportedException ForwardOnly() =>
        new("This stream is read once, forward only: it cannot seek, be resized or be written.");
}
