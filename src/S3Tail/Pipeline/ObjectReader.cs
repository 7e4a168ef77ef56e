using S3Tail.Cache;
using S3Tail.Decoding;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Pipeline;

/// <summary>
/// Reads one released object as line batches, on the thread pool: decoding (LZ4, or the bytes of
/// a local file) never runs on the sequencer's thread. The sequencer asks for one batch at a time
/// and gets it piped back.
///
/// A cache entry that fails its checks is healed here, on the fetch side: the entry is deleted,
/// the object fetched again bypassing the cache, and reading carries on at the decoded byte where
/// the bad copy stopped — no line written twice, none skipped. A second failure, or any other
/// error, goes to the sequencer, whose skip rules decide.
/// </summary>
internal sealed class ObjectReader(ObjectInfo info, ObjectContent content, long skipThroughLine, ObjectFetcher fetcher, ILog log,
    CancellationToken stopping) : IDisposable
{
    private ObjectContent _content = content;
    private LineBatchReader? _reader;
    private ReaderPosition? _resumeAt;
    private bool _healed;
    private bool _emptyHandedOut;
    private int _disposed;

    public ObjectInfo Info { get; } = info;

    /// <summary>The next batch (null at the end), read on the thread pool.</summary>
    public Task<LineBatch?> NextAsync() => Task.Run(NextCoreAsync);

    private async Task<LineBatch?> NextCoreAsync()
    {
        while (true)
        {
            try
            {
                if (_content is FilteredContent filtered) return NextFiltered(filtered);
                if (_reader is null)
                {
                    var decoded = _content.OpenDecoded();
                    _reader = _resumeAt is { } at
                        ? LineBatchReader.ResumeAt(decoded, at, skipThroughLine)
                        : new LineBatchReader(decoded, skipThroughLine, sizeHint: (decoded as ReadOnlyStream)?.KnownLength);
                }
                return _reader.Next();
            }
            // A filtered object was checked whole while it was filtered, moments ago; a copy that
            // fails now is an error for the sequencer's rules, not something to heal mid-object
            // (a fresh copy would be unfiltered).
            catch (CorruptEntryException e) when (!_healed && _content is not FilteredContent)
            {
                _healed = true;
                _resumeAt = _reader?.Position ?? new ReaderPosition(0, 1, false);
                _reader?.Dispose();
                _reader = null;
                log.Warn($"{e.Message} Fetching '{Info.Key}' again.");
                var fresh = await fetcher.RefetchAsync(Info, e.EntryPath, stopping).ConfigureAwait(false);
                _content.Release();
                _content = fresh;
            }
        }
    }

    /// <summary>
    /// A filtered object's kept lines (skipped already by the filter), mapped to source lines.
    /// One that kept nothing still yields one empty batch: written, it moves the bookmark over
    /// every line examined.
    /// </summary>
    private LineBatch? NextFiltered(FilteredContent filtered)
    {
        if (filtered.Map.KeptCount == 0)
        {
            if (_emptyHandedOut) return null;
            _emptyHandedOut = true;
            return new LineBatch(System.Buffers.ArrayPool<byte>.Shared.Rent(1), 0, 0, 1, 0, map: filtered.Map, examinedThrough: filtered.ExaminedThrough);
        }
        if (_reader is null)
        {
            var kept = filtered.OpenDecoded();
            _reader = new LineBatchReader(kept, 0, sizeHint: (kept as ReadOnlyStream)?.KnownLength);
        }
        return _reader.Next()?.Mapped(filtered.Map, filtered.ExaminedThrough);
    }

    /// <summary>Closes the file and releases the content (a spool file is deleted). Call once no read is running.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _reader?.Dispose();
        _content.Release();
    }
}
