using System.Buffers;
using System.Threading.Channels;

namespace S3Tail.Pipeline;

/// <summary>
/// Copies one stream into another with the reading and the writing on two threads, a few
/// buffers apart. For a large gzip object the reading is the inflater and the writing the LZ4
/// encoder of the cache entry or spool file: one after the other on one thread they took the sum
/// of their times, side by side on two cores about the longer one.
/// </summary>
internal static class PipelinedCopy
{
    /// <summary>Buffers filled and not yet written, at most: enough to keep both sides busy, little memory.</summary>
    private const int Depth = 2;

    /// <summary>
    /// Copies <paramref name="source"/> to its end into <paramref name="destination"/>. A failure of
    /// either side ends both and is thrown as it was raised (a corrupt gzip stays an
    /// <see cref="InvalidDataException"/>).
    /// </summary>
    public static async Task CopyAsync(Stream source, Stream destination, int bufferSize, CancellationToken cancellationToken)
    {
        var filled = Channel.CreateBounded<(byte[] Buffer, int Length)>(
            new BoundedChannelOptions(Depth) { SingleReader = true, SingleWriter = true });
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
                    int n;
                    try
                    {
                        n = await source.ReadAtLeastAsync(buffer.AsMemory(0, bufferSize), bufferSize, throwOnEndOfStream: false, ending.Token)
                            .ConfigureAwait(false);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }
                    if (n == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        return;
                    }
                    await filled.Writer.WriteAsync((buffer, n), ending.Token).ConfigureAwait(false);
                    if (n < bufferSize) return;   // ReadAtLeast stops short only at the end
                }
            }
            finally
            {
                filled.Writer.TryComplete();
            }
        }, ending.Token);

        try
        {
            await foreach (var (buffer, length) in filled.Reader.ReadAllAsync(ending.Token).ConfigureAwait(false))
            {
                try
                {
                    await destination.WriteAsync(buffer.AsMemory(0, length), ending.Token).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch
        {
            // The writing failed (or was cancelled): stop the reading and wait for it, so that the
            // caller may dispose the source; the reading's own outcome is not the news.
            ending.Cancel();
            try { await reading.ConfigureAwait(false); } catch (Exception) { }
            throw;
        }
        // The reading's failure, if any, as it was raised.
        await reading.ConfigureAwait(false);
    }
}
