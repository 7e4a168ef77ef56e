using S3Tail.Pipeline;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Pipeline;

public sealed class PipelinedCopySpecs
{
    [Theory]
    [InlineData(0, 4096)]
    [InlineData(1, 4096)]
    [InlineData(4096, 4096)]          // exactly one buffer: the end is a read of 0 after a full one
    [InlineData(4097, 4096)]
    [InlineData(1_000_003, 65536)]
    public async Task Should_copy_every_byte_in_order_whatever_the_reads_return(int length, int bufferSize)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        var copy = new MemoryStream();

        await PipelinedCopy.CopyAsync(new ShortReadStream(content, seed: length, maxRead: 7000), copy, bufferSize, CancellationToken.None);

        Assert.Equal(content, copy.ToArray());
    }

    [Fact]
    public async Task Should_throw_what_the_reading_threw_as_it_was_raised()
    {
        var source = new FailingAfter(100_000, () => new InvalidDataException("the gzip stream is cut short"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            PipelinedCopy.CopyAsync(source, new MemoryStream(), 4096, CancellationToken.None));
        Assert.Equal("the gzip stream is cut short", e.Message);
    }

    [Fact]
    public async Task Should_throw_what_the_writing_threw_and_stop_reading()
    {
        var source = new FailingAfter(long.MaxValue, () => new IOException("never"));
        var destination = new FailingWrites(after: 3);

        var e = await Assert.ThrowsAsync<IOException>(() => PipelinedCopy.CopyAsync(source, destination, 4096, CancellationToken.None));
        Assert.Equal("No space left on device", e.Message);
        // Stopped: the reading got at most its few buffers ahead of the failed write.
        Assert.True(source.BytesRead < 16 * 4096, $"read {source.BytesRead} bytes");
    }

    [Fact]
    public async Task Should_end_when_cancelled()
    {
        using var cancel = new CancellationTokenSource();
        var source = new FailingAfter(long.MaxValue, () => new IOException("never"));
        var copying = PipelinedCopy.CopyAsync(source, new CancelAfterWrites(cancel, 5), 4096, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => copying);
    }

    /// <summary>Endless zero bytes, then the given failure once <paramref name="limit"/> bytes were read.</summary>
    private sealed class FailingAfter(long limit, Func<Exception> failure) : Stream
    {
        public long BytesRead;

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (BytesRead >= limit) throw failure();
            int n = (int)Math.Min(count, limit - BytesRead);
            Array.Clear(buffer, offset, n);
            BytesRead += n;
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private class FailingWrites(int after) : MemoryStream
    {
        private int _writes;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (++_writes > after) throw new IOException("No space left on device");
            base.Write(buffer, offset, count);
        }
    }

    private sealed class CancelAfterWrites(CancellationTokenSource cancel, int after) : MemoryStream
    {
        private int _writes;

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (++_writes == after) cancel.Cancel();
            base.Write(buffer, offset, count);
        }
    }
}
