using System.Buffers;

namespace S3Tail.Storage;

/// <summary>
/// A large object's stored bytes fetched as parallel ranged GETs, each pinned to the listed ETag
/// and resumed on its own after a cut (<see cref="ResumableObjectStream"/> over its range), and
/// handed to the reader in order as the parts arrive: one GET's throughput is bounded by one
/// connection (S3 serves each at a few tens of MB/s), several together are not.
///
/// <para>Memory is bounded twice. An object keeps at most <see cref="PartsAhead"/> parts of
/// <see cref="PartBytes"/> in flight, started in order as the reader consumes them; and every
/// part in the process holds one of <see cref="ProcessParts"/> permits, so a prefetch window full
/// of large objects still holds at most that many parts. Parts are taken in order, so each object
/// holding a permit holds the part its reader needs next, and some object always progresses.</para>
/// </summary>
internal sealed class PartedObjectStream : ReadOnlyStream
{
    /// <summary>Objects larger than this are fetched in parts.</summary>
    public const long Threshold = 16L << 20;

    /// <summary>Bytes a part: big enough that a GET's latency is small beside its transfer.</summary>
    public const int PartBytes = 4 << 20;

    /// <summary>Parts of one object in flight at once.</summary>
    public const int PartsAhead = 8;

    /// <summary>Parts in flight in the whole process (64 MiB of buffers at most).</summary>
    public const int ProcessParts = 16;

    private static readonly SemaphoreSlim Permits = new(ProcessParts);

    private readonly IObjectSource _source;
    private readonly ObjectInfo _info;
    private readonly RetryPolicy _retry;
    private readonly Action<string>? _onRetry;
    private readonly CancellationTokenSource _stop = new();
    private readonly Queue<Task<(byte[] Buffer, int Length)>> _parts = new();
    private long _nextPartStart;
    private (byte[] Buffer, int Length, int Read)? _current;

    public PartedObjectStream(IObjectSource source, ObjectInfo info, RetryPolicy retry, Action<string>? onRetry)
    {
        _source = source;
        _info = info;
        _retry = retry;
        _onRetry = onRetry;
        while (_parts.Count < PartsAhead && _nextPartStart < info.Size) StartNext();
    }

    public override long? KnownLength => _info.Size;

    private void StartNext()
    {
        long start = _nextPartStart;
        long end = Math.Min(start + PartBytes, _info.Size);
        _nextPartStart = end;
        _parts.Enqueue(FetchPartAsync(start, end, _stop.Token));
    }

    private async Task<(byte[] Buffer, int Length)> FetchPartAsync(long start, long end, CancellationToken cancellationToken)
    {
        await Permits.WaitAsync(cancellationToken).ConfigureAwait(false);
        byte[]? buffer = null;
        try
        {
            buffer = ArrayPool<byte>.Shared.Rent((int)(end - start));
            await using var part = new ResumableObjectStream(_source, _info, _retry, _onRetry, start, end);
            int filled = 0, length = (int)(end - start);
            while (filled < length)
            {
                int n = await part.ReadAsync(buffer.AsMemory(filled, length - filled), cancellationToken).ConfigureAwait(false);
                if (n == 0) throw new IOException($"part [{start}, {end}) of '{_info.Key}' ended at {start + filled}");
                filled += n;
            }
            return (buffer, length);
        }
        catch
        {
            if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
            Permits.Release();
            throw;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (destination.IsEmpty) return 0;
        if (_current is null)
        {
            if (!_parts.TryDequeue(out var next)) return 0;
            var (buffer, length) = await next.WaitAsync(cancellationToken).ConfigureAwait(false);
            _current = (buffer, length, 0);
            if (_nextPartStart < _info.Size) StartNext();
        }
        var (b, l, read) = _current.Value;
        int n = Math.Min(destination.Length, l - read);
        b.AsSpan(read, n).CopyTo(destination.Span);
        read += n;
        if (read < l) _current = (b, l, read);
        else
        {
            ArrayPool<byte>.Shared.Return(b);
            Permits.Release();
            _current = null;
        }
        return n;
    }

    public override int Read(Span<byte> buffer) => ReadByWaiting(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stop.Cancel();
            if (_current is { } current)
            {
                ArrayPool<byte>.Shared.Return(current.Buffer);
                Permits.Release();
                _current = null;
            }
            // Parts still running give their buffer and permit back as they end.
            foreach (var part in _parts)
                part.ContinueWith(t =>
                {
                    if (t.IsCompletedSuccessfully)
                    {
                        ArrayPool<byte>.Shared.Return(t.Result.Buffer);
                        Permits.Release();
                    }
                    else _ = t.Exception;   // cancelled or failed after the reader left: nobody waits for it
                }, TaskScheduler.Default);
            _parts.Clear();
        }
        base.Dispose(disposing);
    }
}
