using System.Buffers;
using System.Text.Json;
using Parquet;
using Parquet.Schema;

namespace S3Tail.Decoding;

/// <summary>
/// A Parquet file's rows as lines, row group after row group in the file's order: one JSON
/// object a row (<see cref="ParquetValues"/>), or with <c>text</c> the top-level values separated
/// by spaces with <c>-</c> for null — the layout of a text VPC flow log, so its parsers keep
/// working (<see cref="ParquetTextWriter"/>). The footer, which says where everything is, is at the end: the file is read from a
/// seekable copy (a scratch file). Memory holds one row group, never the file; a row group
/// larger than <see cref="MaxRowGroupBytes"/> (uncompressed, as the footer says) is refused
/// before it is read. A bad footer, a cut file or broken pages fail as <see cref="BrokenContentException"/>.
/// </summary>
internal sealed class ParquetRowStream : ReadOnlyStream
{
    /// <summary>The largest row group read (its uncompressed size, by the footer); larger is an unreadable object.</summary>
    public const long MaxRowGroupBytes = 512L * 1024 * 1024;

    /// <summary>Lines are handed out once this much is ready.</summary>
    private const int OutputBatch = 64 * 1024;

    private readonly Stream _file;
    private readonly ParquetReader _reader;
    private readonly long _maxRowGroupBytes;
    private readonly IReadOnlyList<Field> _fields;
    private readonly ArrayBufferWriter<byte> _output = new(OutputBatch * 2);
    private readonly Utf8JsonWriter _json;
    private readonly ParquetTextWriter? _textWriter;   // under --parquet-text
    private int _taken;                          // bytes of _output already read
    private int _group = -1;                     // the row group being written
    private ParquetGroup? _rows;                 // the row group's values, until its last row is written
    private readonly object?[] _row;             // the row being written: its top-level values

    private ParquetRowStream(Stream file, ParquetReader reader, bool text, long maxRowGroupBytes)
    {
        _file = file;
        _reader = reader;
        _maxRowGroupBytes = maxRowGroupBytes;
        _fields = reader.Schema.Fields;
        _row = new object?[_fields.Count];
        _json = new Utf8JsonWriter(_output, ParquetValues.WriterOptions);
        _textWriter = text ? new ParquetTextWriter() : null;
    }

    /// <summary>Copies <paramref name="decoded"/> to a scratch file and reads its footer.</summary>
    public static async Task<Stream> OpenAsync(Stream decoded, bool text, Func<Stream> scratch, CancellationToken cancellationToken,
        long maxRowGroupBytes = MaxRowGroupBytes)
    {
        var file = scratch();
        try
        {
            await using (decoded.ConfigureAwait(false))
                await decoded.CopyToAsync(file, 256 * 1024, cancellationToken).ConfigureAwait(false);
            await ParquetFileShape.CheckAsync(file, cancellationToken).ConfigureAwait(false);
            var reader = await Broken.Guard(() => ParquetReader.CreateAsync(file, ReaderOptions, leaveStreamOpen: true, cancellationToken), "its footer")
                .ConfigureAwait(false);
            return new ParquetRowStream(file, reader, text, maxRowGroupBytes);
        }
        catch
        {
            await file.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Decimals as Parquet.Net's <see cref="Parquet.Data.BigDecimal"/> (.NET's decimal holds 28 digits, a
    /// DECIMAL(38, s) 38); DATE columns as <see cref="DateOnly"/>, so a day is written as a day, not as its midnight.
    /// </summary>
    private static ParquetOptions ReaderOptions => new() { UseBigDecimal = true, UseDateOnlyTypeForDates = true };

    public override int Read(Span<byte> buffer) => ReadByWaiting(buffer);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_output.WrittenCount - _taken == 0)
        {
            _output.ResetWrittenCount();
            _taken = 0;
            if (_rows is null || _rows.AllRead)
            {
                if (_group + 1 >= _reader.RowGroupCount) return 0;
                await LoadGroup(_group + 1, cancellationToken).ConfigureAwait(false);
                continue;
            }
            while (!_rows.AllRead && _output.WrittenCount < OutputBatch) WriteRow(_rows);
            if (_rows.AllRead) _rows = null;   // let the group go before the next one is read
        }
        int n = Math.Min(buffer.Length, _output.WrittenCount - _taken);
        _output.WrittenSpan.Slice(_taken, n).CopyTo(buffer.Span);
        _taken += n;
        return n;
    }

    private async Task LoadGroup(int group, CancellationToken cancellationToken)
    {
        long size = _reader.RowGroups[group].RowGroup.TotalByteSize;
        if (size > _maxRowGroupBytes)
            throw new BrokenContentException("Parquet", $"beyond a bound: row group {group} holds {size} bytes uncompressed, more than {_maxRowGroupBytes / (1024 * 1024)} MiB");
        _group = group;
        _rows = await Broken.Guard(() => ParquetGroup.ReadAsync(_reader, group, _fields, cancellationToken), $"row group {group}")
            .ConfigureAwait(false);
    }

    private void WriteRow(ParquetGroup rows)
    {
        try
        {
            rows.ReadRow(_row);
        }
        catch (IndexOutOfRangeException e)   // a leaf column holds fewer entries than its levels promise
        {
            throw new BrokenContentException("Parquet", $"unreadable: row group {_group} (its columns do not agree on its rows)", e);
        }
        if (_textWriter is null)
        {
            _json.WriteStartObject();
            for (int i = 0; i < _fields.Count; i++)
            {
                _json.WritePropertyName(_fields[i].Name);
                ParquetValues.Write(_json, _fields[i], _row[i]);
            }
            _json.WriteEndObject();
            _json.Flush();
            _json.Reset();
        }
        else _textWriter.WriteRow(_fields, _row, _output);
        _output.Write("\n"u8);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _json.Dispose();
            _textWriter?.Dispose();
            _reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
            _file.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>
    /// Parquet.Net's failures on a broken file, as an unreadable object. Its reader seeks where
    /// the file's metadata points; metadata that points outside the file fails as an I/O error on
    /// the scratch copy, whose message names the copy's path (nothing the user knows of): that is
    /// said as what it is instead.
    /// </summary>
    private static class Broken
    {
        public static async Task<T> Guard<T>(Func<Task<T>> read, string what)
        {
            try
            {
                return await read().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException and not BrokenContentException)
            {
                string why = e is IOException ? "it points outside the file" : e.Message.TrimEnd('.');
                throw new BrokenContentException("Parquet", $"unreadable: {what} ({why})", e);
            }
        }
    }
}
