namespace S3Tail.Tests.Support;

/// <summary>
/// A stream that returns fewer bytes than asked, at random (1 to <c>maxRead</c>), as sockets,
/// pipes and decompressors do: a reader that assumes full reads breaks on it.
/// </summary>
public sealed class ShortReadStream(byte[] content, int seed, int maxRead) : Stream
{
    private readonly Random _random = new(seed);
    private int _position;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = Math.Min(Math.Min(buffer.Length, content.Length - _position), _random.Next(1, maxRead + 1));
        content.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => content.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
