using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Pipeline;

/// <summary>The decoding half of <see cref="ObjectFetcher"/>: stored bytes to a cache entry, spool file or memory.</summary>
internal sealed partial class ObjectFetcher
{
    /// <summary>Where this run's objects wait without a cache; a run spread over workers puts theirs here too.</summary>
    internal SpoolFolder Spool => spool ?? throw new InvalidOperationException("this fetcher has no spool folder");

    /// <summary>
    /// Objects stored in at most this many bytes, and decoding to at most
    /// <see cref="SmallDecodedBytes"/>, are decoded in memory and handed to the sequencer from
    /// there (the cache entry, if any, is still written): a spool file made, read back and
    /// deleted for a 4 KB access log cost more CPU than its GET. Memory stays bounded:
    /// at most prefetch × 256 KiB wait this way.
    /// </summary>
    internal const long SmallStoredBytes = 64 * 1024;

    /// <summary>Objects stored in more bytes than this are decoded and written on two threads (<see cref="PipelinedCopy"/>).</summary>
    internal const long PipelinedFromBytes = 4 * 1024 * 1024;
    internal const int SmallDecodedBytes = 256 * 1024;

    /// <summary>Decodes the stored bytes into a cache entry (when <paramref name="entryPath"/> is set) or a spool file.</summary>
    private async Task<ObjectContent> DecodeToFileAsync(ObjectInfo info, Stream stored, string? entryPath, DecodeOptions decoding,
        CancellationToken cancellationToken)
    {
        if (entryPath is null && spool is null)
            throw new InvalidOperationException("a fetch needs the cache or a spool folder");
        try
        {
            await using var decoded = await ObjectDecoding.DecodeAsync(stored, decoding, Scratch, cancellationToken).ConfigureAwait(false);
            if (info.Size > SmallStoredBytes)
                return await WriteEntryAsync(info, entryPath, ReadOnlyMemory<byte>.Empty, decoded, cancellationToken).ConfigureAwait(false);
            // Read into a pooled buffer; keep an array of the exact size.
            var head = System.Buffers.ArrayPool<byte>.Shared.Rent(SmallDecodedBytes + 1);
            try
            {
                int headLength = await decoded.ReadAtLeastAsync(head.AsMemory(0, SmallDecodedBytes + 1), SmallDecodedBytes + 1,
                    throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                if (headLength > SmallDecodedBytes)
                    return await WriteEntryAsync(info, entryPath, head.AsMemory(0, headLength), decoded, cancellationToken).ConfigureAwait(false);
                var bytes = head.AsSpan(0, headLength).ToArray();
                if (entryPath is not null) cache!.WriteEntry(entryPath, info, bytes);
                return new InMemoryContent(bytes);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(head);
            }
        }
        catch (BrokenContentException e)
        {
            throw S3TailException.Runtime($"The object {source.Describe(info.Key)} is not valid {e.Format} ({OneLine(e.Reason).TrimEnd('.')}).", e);
        }
        catch (InvalidDataException e)
        {
            throw S3TailException.Runtime($"The object {source.Describe(info.Key)} is not valid gzip ({OneLine(e.Message).TrimEnd('.')}).", e);
        }
    }

    /// <summary>
    /// A reason as one line of plain text: a decoder's message can quote the object's own bytes
    /// (an invalid JSON literal), which may hold line ends or a terminal's escape codes.
    /// </summary>
    internal static string OneLine(string reason)
    {
        var text = string.Create(reason.Length, reason, (span, r) =>
        {
            for (int i = 0; i < r.Length; i++) span[i] = char.IsControl(r[i]) ? '?' : r[i];
        });
        return text.Length <= 300 ? text : text[..300] + "…";
    }

    /// <summary>A temporary file for content read out of order (zip, Parquet): in the spool folder, else the system's.</summary>
    private Stream Scratch() => spool is not null ? spool.CreateScratch() : SpoolFolder.CreateScratchIn(Path.GetTempPath());

    /// <summary>Writes <paramref name="head"/> and then the rest of <paramref name="rest"/> to a cache entry or spool file.</summary>
    private async Task<ObjectContent> WriteEntryAsync(ObjectInfo info, string? entryPath, ReadOnlyMemory<byte> head, Stream rest,
        CancellationToken cancellationToken)
    {
        var (writer, finalPath) = entryPath is not null ? (cache!.CreateEntry(entryPath, info), entryPath) : spool!.Create(info);
        using (writer)
        {
            await writer.Content.WriteAsync(head, cancellationToken).ConfigureAwait(false);
            // A large object decodes on one core while its entry is compressed on the other; many
            // smaller ones keep both cores busy by themselves.
            if (info.Size > PipelinedFromBytes)
                await PipelinedCopy.CopyAsync(rest, writer.Content, 256 * 1024, cancellationToken).ConfigureAwait(false);
            else
                await rest.CopyToAsync(writer.Content, 256 * 1024, cancellationToken).ConfigureAwait(false);
            writer.Commit(finalPath);
        }
        return entryPath is not null ? new CachedContent(finalPath) : new SpooledContent(finalPath);
    }
}
