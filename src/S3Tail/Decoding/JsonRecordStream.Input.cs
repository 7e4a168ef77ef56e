namespace S3Tail.Decoding;

internal sealed partial class JsonRecordStream
{
    /// <summary>
    /// Reads more input after what the buffer holds, first cutting the buffer back to what must be
    /// kept: from the step that needs more (or from the start of a document not expanded, which
    /// may still become one line). When that alone fills the buffer, the buffer grows, up to one
    /// record's bound.
    /// </summary>
    private async ValueTask Fill(bool sync, CancellationToken cancellationToken)
    {
        int keep = _documentStart >= 0 ? _documentStart : _start;
        if (keep > 0)
        {
            _buffer.AsSpan(keep, _end - keep).CopyTo(_buffer);
            _end -= keep;
            _start -= keep;
            if (_documentStart >= 0) _documentStart -= keep;
            _dropped += keep;
        }
        // Everything held now belongs to the one record (or document) not yet complete.
        if (_end > _maxRecordBytes)
            throw new BrokenContentException("JSON", $"beyond a bound: a record (or document) is larger than {Describe(_maxRecordBytes)}, at decoded byte {_dropped}");
        if (_end == _buffer.Length)
        {
            var bigger = GC.AllocateUninitializedArray<byte>((int)Math.Min(2L * _buffer.Length, _maxRecordBytes + 1L));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            if (_pooled) System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
            _pooled = false;
            _buffer = bigger;
        }
        int n = sync
            ? _input.Read(_buffer.AsSpan(_end))
            : await _input.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        if (n == 0) _eof = true;
        else _end += n;
    }

    private static string Describe(int bytes) => bytes % (1024 * 1024) == 0 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes} bytes";
}
