namespace S3Tail.Storage;

/// <summary>
/// An object's stored bytes that survive transient failures: when the connection is cut or the
/// body ends short of the listed size, it opens the object again from the byte it reached (a
/// ranged GET pinned to the same ETag) and carries on, so the reader — the gunzip stream
/// included — sees one unbroken stream with no byte repeated or missed. Given a range
/// (<paramref name="start"/>, <paramref name="end"/>), it is one part of the object, fetched the
/// same way (see <see cref="PartedObjectStream"/>).
/// </summary>
internal sealed class ResumableObjectStream(IObjectSource source, ObjectInfo info, RetryPolicy retry, Action<string>? onRetry,
    long start = 0, long? end = null) : ReadOnlyStream
{
    private readonly long _end = end ?? info.Size;
    private readonly bool _ranged = end is not null;
    private Stream? _body;
    private long _position = start;
    private int _failures;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty) return 0;
        while (true)
        {
            try
            {
                // Each step — the answer's headers, then each read of the body — must make progress
                // within the stall timeout; one that does not is retried from the byte reached.
                if (_position >= _end && _ranged) return 0;
                _body ??= await retry.WithinStallTimeout(
                    ct => _ranged ? source.OpenRangeAsync(info, _position, _end - _position, ct) : source.OpenReadAsync(info, _position, ct),
                    cancellationToken).ConfigureAwait(false);
                var body = _body;
                // A server that ignored the range sent the whole object: drop what was taken
                // already, a chunk at a time, each within the stall timeout like any read.
                if (body is SkippingBody skipping)
                    while (skipping.Remaining > 0)
                        if (!await retry.WithinStallTimeout(ct => skipping.SkipSomeAsync(ct), cancellationToken).ConfigureAwait(false))
                            throw new IOException($"the whole body ended before byte {_position}");
                var room = _ranged ? buffer[..(int)Math.Min(buffer.Length, _end - _position)] : buffer;
                int n = await retry.WithinStallTimeout(ct => body.ReadAsync(room, ct).AsTask(), cancellationToken).ConfigureAwait(false);
                if (n == 0 && _position < _end)
                    throw new IOException($"the body ended at byte {_position} of {_end}");
                if (n > 0) { _position += n; _failures = 0; }
                return n;
            }
            catch (Exception e) when (RetryPolicy.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                _body?.Dispose();
                _body = null;
                if (++_failures >= retry.MaxAttempts)
                {
                    throw e as S3TailException ?? S3TailException.Runtime(
                        $"Error reading s3://{source.BucketName}/{info.Key}: gave up after {_failures} attempts ({e.Message.TrimEnd('.')}).", e);
                }
                onRetry?.Invoke($"'{info.Key}': {e.Message.TrimEnd('.')}; trying again from byte {_position} (attempt {_failures + 1} of {retry.MaxAttempts}).");
                await Task.Delay(retry.DelayBefore(_failures), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Only for callers that cannot await (the engine always reads it asynchronously).</summary>
    public override int Read(Span<byte> buffer) => ReadByWaiting(buffer);

    public override long Length => _end;
    public override long Position { get => _position; set => throw ForwardOnly(); }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _body?.Dispose();
        base.Dispose(disposing);
    }
}
