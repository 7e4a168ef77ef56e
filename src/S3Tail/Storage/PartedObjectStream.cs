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
///
/// <para>A server that ignores Range answers a part with the whole object
/// (<see cref="RangeNotServedException"/>). The parts not yet handed to the reader are then
/// dropped and the rest of the object, from the first byte the reader has not had, comes as one
/// sequential GET (which skips the head the server sends again): never a byte from the wrong
/// place, and the object's head downloaded once more rather than once per part.</para>
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
    private readonly Queue<(long Start, Task<(byte[] Buffer, int Length)> Fetch)> _parts = new();
    private ResumableObjectStream? _sequential;   // the rest of the object, once ranges proved not served
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
        _parts.Enqueue((start, FetchPartAsync(start, end, _stop.Token)));
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
        if (_sequential is not null) return await _sequential.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        if (_current is null)
        {
            if (!_parts.TryDequeue(out var next)) return 0;
            (byte[] Buffer, int Length) part;
            try
            {
                part = await next.Fetch.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RangeNotServedException)
            {
                AbandonParts();
                _sequential = new ResumableObjectStream(_source, _info, _retry, _onRetry, start: next.Start);
                return await _sequential.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
            }
            _current = (part.Buffer, part.Length, 0);
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

    /// <summary>Stops the parts not handed to the reader; those still running give their buffer and permit back as they end.</summary>
    private void AbandonParts()
    {
        _stop.Cancel();
        foreach (var (_, fetch) in _parts)
            fetch.ContinueWith(t =>
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
            AbandonParts();
            _sequential?.Dispose();
        }
        base.Dispose(disposing);
    }
}
