using System.Text;

namespace S3Tail.Cli;

/// <summary>
/// stderr or a log file that may fail under us — closed (<c>2&gt;&amp;-</c>), a reader gone, a
/// full disk — without taking the run down: the first failure makes it silent, and the run ends
/// as it would have, bookmark saved. The content on stdout matters more than the log.
/// </summary>
internal sealed class SafeTextWriter(TextWriter inner) : TextWriter
{
    private volatile bool _broken;   // a write failed: nothing written here arrives any more

    public override Encoding Encoding => inner.Encoding;

    public override void Write(char value) => Try(() => inner.Write(value));
    public override void Write(string? value) => Try(() => inner.Write(value));
    public override void WriteLine(string? value) => Try(() => inner.WriteLine(value));
    public override void Flush() => Try(inner.Flush);

    private void Try(Action write)
    {
        if (_broken) return;
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException or NotSupportedException)
        {
            _broken = true;
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Try(inner.Dispose);
        base.Dispose(disposing);
    }
}
