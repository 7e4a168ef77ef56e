using System.Buffers;
using System.Text.Json;

namespace S3Tail.Decoding;

/// <summary>
/// JSON documents as lines, read once with <see cref="Utf8JsonReader"/> and never deserialized:
/// <list type="bullet">
/// <item>a document whose top level is an object holding an array under <c>Records</c>
/// (CloudTrail), <c>configurationItems</c> (Config) or <c>logEvents</c> (CloudWatch Logs through
/// Firehose) is written one element a line; with <c>withParent</c>, each object element also gets
/// the document's scalar members that came before the array (AWS writes them first:
/// <c>messageType</c>, <c>owner</c>, <c>logGroup</c>, <c>fileVersion</c>…), unless it has a member of
/// that name itself;</item>
/// <item>any other document is one line;</item>
/// <item>documents one after another (<c>{…}{…}</c>, with or without whitespace between) are taken in turn.</item>
/// </list>
/// A line is the element's or document's own bytes when they hold no line end, else the same
/// tokens without the whitespace between them (<see cref="JsonLine"/>).
///
/// <para>Memory holds one element (or one document without a record array), never the file: the
/// buffer is cut back to where the current one began each time more input is needed. One larger
/// than <see cref="MaxRecordBytes"/> fails, as does anything not JSON or cut short, with a
/// <see cref="BrokenContentException"/>.</para>
/// </summary>
/// <remarks>
/// Each <see cref="Step"/> makes a reader over the unread bytes with the state the last step
/// left, and either completes one action (a token, a member, an element) or changes nothing and
/// asks for more input; so a step cut by the end of the buffer is simply run again.
/// </remarks>
internal sealed partial class JsonRecordStream : ReadOnlyStream
{
    /// <summary>The largest record (or document without a record array) read: larger is an unreadable object.</summary>
    public const int MaxRecordBytes = 64 * 1024 * 1024;

    private const int InitialBuffer = 256 * 1024;

    /// <summary>Lines are handed out once this much is ready (fewer, larger copies).</summary>
    private const int OutputBatch = 64 * 1024;

    /// <summary>
    /// Any depth a record within <see cref="MaxRecordBytes"/> can have (each level takes two bytes
    /// at least, its brackets), so depth is never what refuses a record: the byte bound is, and it
    /// bounds memory (the reader keeps one bit a level). .NET's default, 64, and the 512 this had,
    /// refused JSON that is valid and that real logs, rarely, hold.
    /// </summary>
    internal const int MaxDepth = MaxRecordBytes / 2 + 2;

    private static readonly JsonReaderOptions Options = new() { AllowMultipleValues = true, MaxDepth = MaxDepth };

    private readonly Stream _input;
    private readonly bool _withParent;
    private readonly int _maxRecordBytes;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
    private bool _pooled = true;      // _buffer came from the pool (a grown one did not: it is sized exactly)
    private int _start;               // where the next step reads from
    private int _end;                 // bytes held
    private long _dropped;            // input bytes cut from the buffer's front so far (for error offsets)
    private bool _eof;
    private bool _done;
    private JsonReaderState _state = new(Options);
    private Place _place = Place.BetweenDocuments;
    private int _documentStart = -1;  // while in a document not (yet) expanded: where it began, kept in the buffer
    private bool _expanded;           // the current document's record array was found
    private readonly List<JsonLine.Member> _parent = [];   // the current document's scalar members before its record array
    private readonly JsonLine _output = new();

    private enum Place { BetweenDocuments, InDocument, InRecords }

    private enum Outcome { Stepped, NeedMore, End }

    public JsonRecordStream(Stream input, bool withParent, int maxRecordBytes = MaxRecordBytes)
    {
        _input = input;
        _withParent = withParent;
        _maxRecordBytes = maxRecordBytes;
    }

    public override int Read(Span<byte> buffer)
    {
        while (_output.Pending == 0 && !_done)
        {
            switch (Produce())
            {
                case Outcome.NeedMore: Fill(sync: true, CancellationToken.None).GetAwaiter().GetResult(); break;
                case Outcome.End: _done = true; break;
            }
        }
        return _output.Take(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_output.Pending == 0 && !_done)
        {
            switch (Produce())
            {
                case Outcome.NeedMore: await Fill(sync: false, cancellationToken).ConfigureAwait(false); break;
                case Outcome.End: _done = true; break;
            }
        }
        return _output.Take(buffer.Span);
    }

    /// <summary>Steps until a batch of lines is ready, more input is needed, or the input is done.</summary>
    private Outcome Produce()
    {
        while (_output.Pending < OutputBatch)
        {
            Outcome outcome;
            try
            {
                outcome = Step(final: false);
            }
            catch (JsonException e)
            {
                throw new BrokenContentException("JSON", $"not valid ({FirstSentence(e.Message)}) near decoded byte {_dropped + _start}", e);
            }
            if (outcome == Outcome.NeedMore && _eof)
            {
                // What is left is a valid beginning (a reader told it is not the end never fails on
                // one); read as the end, it is either the end of the last document or cut short.
                try
                {
                    outcome = Step(final: true);
                }
                catch (JsonException e)
                {
                    throw Truncated(e);
                }
                if (outcome == Outcome.NeedMore) throw Truncated(null);
            }
            if (outcome != Outcome.Stepped) return outcome == Outcome.End || _output.Pending == 0 ? outcome : Outcome.Stepped;
        }
        return Outcome.Stepped;
    }

    private static string FirstSentence(string message) => message.Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');

    /// <param name="final">the input has ended and what is held is all there is.</param>
    private Outcome Step(bool final)
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), final, _state);
        if (!reader.Read()) return final && _place == Place.BetweenDocuments ? Outcome.End : Outcome.NeedMore;
        int tokenStart = _start + (int)reader.TokenStartIndex;
        switch (_place)
        {
            case Place.BetweenDocuments when reader.TokenType == JsonTokenType.StartObject:
                _place = Place.InDocument;
                _documentStart = tokenStart;
                _expanded = false;
                _parent.Clear();
                break;
            case Place.BetweenDocuments:
                // An array or a scalar at the top: one line, like any document without a record array.
                if (!reader.TrySkip()) return Outcome.NeedMore;
                _output.Write(_buffer.AsSpan(tokenStart, _start + (int)reader.BytesConsumed - tokenStart));
                break;
            case Place.InDocument when reader.TokenType == JsonTokenType.EndObject:
                if (!_expanded) _output.Write(_buffer.AsSpan(_documentStart, _start + (int)reader.BytesConsumed - _documentStart));
                _place = Place.BetweenDocuments;
                _documentStart = -1;
                break;
            case Place.InDocument:
                return Member(ref reader, tokenStart);
            case Place.InRecords when reader.TokenType == JsonTokenType.EndArray:
                _place = Place.InDocument;
                break;
            case Place.InRecords:
                if (!reader.TrySkip()) return Outcome.NeedMore;
                var record = _buffer.AsSpan(tokenStart, _start + (int)reader.BytesConsumed - tokenStart);
                if (_parent.Count > 0 && reader.TokenType == JsonTokenType.EndObject) _output.WriteMerged(_parent, record);
                else _output.Write(record);
                break;
        }
        Commit(ref reader);
        return Outcome.Stepped;
    }

    /// <summary>One member of a document's top-level object: its name, then its value whole (or the start of its record array).</summary>
    private Outcome Member(ref Utf8JsonReader reader, int nameStart)
    {
        bool records = IsRecordArrayName(ref reader);
        var name = reader.ValueSpan;
        bool nameEscaped = reader.ValueIsEscaped;
        if (!reader.Read()) return Outcome.NeedMore;
        if (records && reader.TokenType == JsonTokenType.StartArray)
        {
            // From here on the document is its records: what came before it need not be kept.
            _place = Place.InRecords;
            _expanded = true;
            _documentStart = -1;
        }
        else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            if (!reader.TrySkip()) return Outcome.NeedMore;
        }
        else if (_withParent && !_expanded)
        {
            var value = _buffer.AsSpan(_start + (int)reader.TokenStartIndex, (int)reader.BytesConsumed - (int)reader.TokenStartIndex);
            _parent.Add(new JsonLine.Member(JsonLine.Unescaped(name, nameEscaped), [(byte)'"', .. name, (byte)'"', (byte)':', .. value]));
        }
        Commit(ref reader);
        return Outcome.Stepped;
    }

    /// <summary>
    /// <c>Records</c>, <c>configurationItems</c> or <c>logEvents</c>, however escaped. A name whose
    /// escapes make no text (a lone surrogate, which JSON's grammar allows) is none of them; .NET
    /// throws on comparing it, and that must not end the run as if the object were broken.
    /// </summary>
    private static bool IsRecordArrayName(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.ValueTextEquals("Records"u8) || reader.ValueTextEquals("configurationItems"u8) || reader.ValueTextEquals("logEvents"u8);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private BrokenContentException Truncated(Exception? inner) =>
        new("JSON", $"truncated (it ends inside a document) at decoded byte {_dropped + _end}", inner);

    private void Commit(ref Utf8JsonReader reader)
    {
        _start += (int)reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _output.Dispose();
            if (_pooled) ArrayPool<byte>.Shared.Return(_buffer);
            _pooled = false;
            _buffer = [];
        }
        base.Dispose(disposing);
    }
}
