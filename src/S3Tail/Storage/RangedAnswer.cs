using System.Globalization;

namespace S3Tail.Storage;

/// <summary>
/// What an answer to a ranged GET holds, checked before a byte of it is used. HTTP lets a server
/// ignore Range and answer 200 with the whole body (gateways and proxies do), and a 206 says
/// which bytes it carries only in Content-Range. Both GET paths pass their answer through
/// <see cref="Check"/>:
/// <list type="bullet">
/// <item>206 whose Content-Range starts at the byte asked for: the body, as it is;</item>
/// <item>206 starting anywhere else, or without a Content-Range: refused (never bytes from the
/// wrong offset);</item>
/// <item>200 to a request from byte 0: the body, which starts there too;</item>
/// <item>200 to an open-ended request (<c>bytes=N-</c>, a cut body continued): the whole body,
/// whose first N bytes are skipped (<see cref="SkippingBody"/>);</item>
/// <item>200 to a part (<c>bytes=N-M</c>, N &gt; 0): <see cref="RangeNotServedException"/>, so the
/// parted fetch falls back to one sequential GET rather than download the object's head once
/// per part.</item>
/// </list>
/// </summary>
internal static class RangedAnswer
{
    /// <param name="offset">the first byte asked for</param>
    /// <param name="length">the bytes asked for, or null for "to the end"</param>
    /// <param name="status">the answer's HTTP status (200 or 206)</param>
    /// <param name="contentRange">its Content-Range header, if any</param>
    public static Stream Check(Stream body, long offset, long? length, int status, string? contentRange, string what)
    {
        bool ranged = offset > 0 || length is not null;
        if (!ranged) return body;
        if (status == 206)
        {
            if (TryParseStart(contentRange, out long start) && start == offset) return body;
            body.Dispose();
            throw S3TailException.Runtime(
                $"Error reading {what}: asked for bytes from {offset}, the server answered 206 with Content-Range '{contentRange ?? "(none)"}'; refusing bytes from another place.");
        }
        if (offset == 0) return body;
        if (length is not null)
        {
            body.Dispose();
            throw new RangeNotServedException(what, offset);
        }
        return new SkippingBody(body, offset);
    }

    /// <summary>The first byte of "bytes FIRST-LAST/TOTAL" (TOTAL may be *).</summary>
    private static bool TryParseStart(string? contentRange, out long start)
    {
        start = -1;
        if (contentRange is null) return false;
        var text = contentRange.Trim();
        if (!text.StartsWith("bytes ", StringComparison.OrdinalIgnoreCase)) return false;
        int dash = text.IndexOf('-', 6);
        return dash > 6 && long.TryParse(text.AsSpan(6, dash - 6).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out start);
    }
}

/// <summary>
/// A server answered 200 with the whole object to a GET of a part starting at
/// <see cref="Offset"/>: it does not serve ranges. Not an <see cref="IOException"/>: it is not
/// transient, asking again gets the same.
/// </summary>
internal sealed class RangeNotServedException(string what, long offset)
    : Exception($"the server answered a GET of {what} from byte {offset} with the whole object (it ignores Range)")
{
    public long Offset { get; } = offset;
}

/// <summary>
/// The whole object sent where its rest from <c>skip</c> was asked for: its first bytes are read
/// and dropped. <see cref="ResumableObjectStream"/> drops them a chunk at a time through
/// <see cref="SkipSomeAsync"/>, each chunk bounded by the stall timeout like any read.
/// </summary>
internal sealed class SkippingBody(Stream inner, long skip) : ReadOnlyStream
{
    private const int Chunk = 256 * 1024;

    /// <summary>Bytes still to drop before the first one asked for.</summary>
    public long Remaining { get; private set; } = skip;

    /// <summary>Drops up to one chunk; false when the body ended before the byte asked for.</summary>
    public async Task<bool> SkipSomeAsync(CancellationToken cancellationToken)
    {
        if (Remaining == 0) return true;
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(Chunk);
        try
        {
            int n = await inner.ReadAsync(scratch.AsMemory(0, (int)Math.Min(Chunk, Remaining)), cancellationToken).ConfigureAwait(false);
            Remaining -= n;
            return n > 0;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (Remaining > 0)
            if (!await SkipSomeAsync(cancellationToken).ConfigureAwait(false))
                throw new IOException($"the whole body ended {Remaining} bytes before the byte asked for");
        return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public override int Read(Span<byte> buffer) => ReadByWaiting(buffer);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
