using System.Runtime.InteropServices;

namespace S3Tail.Decoding;

/// <summary>
/// Gunzips member by member with the system zlib, and — unlike .NET's GZipStream, which ends
/// quietly when its input does — fails on a stream cut short: zlib reports a member's end only
/// after checking its CRC-32 and length, so input that runs out inside a member is truncation.
/// Concatenated members (what `cat a.gz b.gz` makes) are read one after another; anything
/// after the last member other than another member or zero padding is an error, as it is for zcat.
///
/// Input is read asynchronously (a download must not hold a thread-pool thread while it waits
/// for the network); inflating between reads is plain CPU work.
/// </summary>
internal sealed class GzipMemberStream : ReadOnlyStream
{
    private const int InputBytes = 64 * 1024;
    private const int GzipWindowBits = 15 + 16; // 32 KiB window, gzip wrapper with CRC and length check

    private readonly Stream _input;
    private readonly unsafe Zlib.ZStream* _z;
    private readonly unsafe byte* _inputBuffer;
    private readonly Memory<byte> _inputMemory;
    private bool _inputEnded;
    private bool _betweenMembers;  // the last member ended; another may follow
    private bool _padding;         // zero bytes followed the last member: only zeros may follow
    private bool _disposed;

    public unsafe GzipMemberStream(Stream input)
    {
        _input = input;
        _z = (Zlib.ZStream*)NativeMemory.AllocZeroed((nuint)sizeof(Zlib.ZStream));
        _inputBuffer = (byte*)NativeMemory.Alloc(InputBytes);
        int rc = Zlib.InflateInit2(_z, GzipWindowBits, Zlib.ZlibVersion(), sizeof(Zlib.ZStream));
        if (rc != Zlib.Ok)
        {
            NativeMemory.Free(_inputBuffer);
            NativeMemory.Free(_z);
            throw new InvalidOperationException($"zlib's inflateInit2 failed ({rc})");
        }
        _inputMemory = new UnmanagedMemory(_inputBuffer, InputBytes).Memory;
    }

    public override int Read(Span<byte> buffer)
    {
        while (true)
        {
            if (NeedsInput()) FillFrom(_input.Read(_inputMemory.Span));
            int n = Step(buffer);
            if (n != 0) return n < 0 ? 0 : n;
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            if (NeedsInput()) FillFrom(await _input.ReadAsync(_inputMemory, cancellationToken).ConfigureAwait(false));
            int n = Step(buffer.Span);
            if (n != 0) return n < 0 ? 0 : n;
        }
    }

    private unsafe bool NeedsInput() => _z->AvailIn == 0 && !_inputEnded;

    private unsafe void FillFrom(int read)
    {
        if (read == 0) { _inputEnded = true; return; }
        _z->NextIn = _inputBuffer;
        _z->AvailIn = (uint)read;
    }

    /// <summary>
    /// Inflates what input there is into <paramref name="output"/>: the bytes produced, 0 when
    /// more input is needed first, -1 at the clean end of the stream.
    /// </summary>
    private unsafe int Step(Span<byte> output)
    {
        if (output.IsEmpty) return -1;
        if (_betweenMembers)
        {
            if (_z->AvailIn == 0) return _inputEnded ? -1 : 0;
            if (_padding || *_z->NextIn == 0)
            {
                // gzip ignores zero bytes after the last member (tape blocks, padded uploads), and
                // only those: anything else there makes zcat fail, and so it does here.
                var rest = new ReadOnlySpan<byte>(_z->NextIn, (int)_z->AvailIn);
                if (rest.ContainsAnyExcept((byte)0)) throw new InvalidDataException("unexpected bytes after the end of the gzip data");
                _padding = true;
                _z->NextIn += _z->AvailIn;
                _z->AvailIn = 0;
                return _inputEnded ? -1 : 0;
            }
            if (*_z->NextIn != 0x1f)
                throw new InvalidDataException("unexpected bytes after the end of the gzip data");
            Zlib.InflateReset(_z);
            _betweenMembers = false;
        }
        fixed (byte* o = output)
        {
            _z->NextOut = o;
            _z->AvailOut = (uint)Math.Min(output.Length, int.MaxValue);
            int rc = Zlib.Inflate(_z, Zlib.NoFlush);
            int produced = output.Length - (int)_z->AvailOut;
            _z->NextOut = null;
            switch (rc)
            {
                case Zlib.StreamEnd:
                    _betweenMembers = true;
                    return produced;
                case Zlib.Ok:
                    return produced;
                case Zlib.BufError when produced == 0 && _z->AvailIn == 0:
                    if (_inputEnded) throw new InvalidDataException("the gzip data is truncated (it ends inside a member)");
                    return 0;
                case Zlib.BufError:
                    return produced;
                default:
                    string detail = _z->Msg != null ? new string(_z->Msg) : $"zlib error {rc}";
                    throw new InvalidDataException($"the gzip data is corrupt ({detail})");
            }
        }
    }


    protected override unsafe void Dispose(bool disposing)
    {
        if (!_disposed)
        {
            _disposed = true;
            Zlib.InflateEnd(_z);
            NativeMemory.Free(_inputBuffer);
            NativeMemory.Free(_z);
            if (disposing) _input.Dispose();
        }
        base.Dispose(disposing);
    }

    ~GzipMemberStream() => Dispose(false);

    /// <summary>Native memory as a Memory&lt;byte&gt; for ReadAsync.</summary>
    private sealed unsafe class UnmanagedMemory(byte* pointer, int length) : System.Buffers.MemoryManager<byte>
    {
        public override Span<byte> GetSpan() => new(pointer, length);
        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new(pointer + elementIndex);
        public override void Unpin() { }
        protected override void Dispose(bool disposing) { }
    }
}
