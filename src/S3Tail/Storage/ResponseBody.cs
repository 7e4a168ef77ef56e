namespace S3Tail.Storage;

/// <summary>Keeps the response (and its connection) as long as its body is read.</summary>
internal sealed class ResponseBody(HttpResponseMessage response, Stream body) : ReadOnlyStream
{
    public override int Read(Span<byte> buffer) => body.Read(buffer);
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        body.ReadAsync(buffer, cancellationToken);
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            body.Dispose();
            response.Dispose();
        }
        base.Dispose(disposing);
    }
}
