using S3Tail.Interop;

namespace S3Tail.Cli.Output;

/// <summary>How a write to a file descriptor ended.</summary>
internal enum WriteStatus
{
    /// <summary>Every byte went out.</summary>
    Done,
    /// <summary>The stop token fired while the descriptor could take no more; some bytes may be out.</summary>
    Stopped,
    /// <summary>The reader went away (EPIPE, ECONNRESET).</summary>
    Closed,
    /// <summary>Any other error (disk full, I/O error, a closed descriptor).</summary>
    Failed,
}

/// <summary>What one write did: how many bytes went out, whatever ended it.</summary>
internal readonly record struct WriteOutcome(long Written, WriteStatus Status, string? Error = null);

/// <summary>
/// Writes to a file descriptor it does not own (stdout) the way a shell command must:
/// <list type="bullet">
/// <item>through write(2) on the descriptor itself, so the bytes land where the shared file
/// description's position is — after what the shell or stderr wrote, never over it;</item>
/// <item>in a loop that survives short writes, EINTR and EAGAIN (a descriptor left non-blocking
/// by another program), and reports EPIPE as the reader leaving, not as a failure;</item>
/// <item>without ever blocking beyond a stop: on a pipe, FIFO, socket or terminal it waits for
/// room with poll(2) in short slices and gives up when the stop token fires, saying how many
/// bytes went out, so the caller's bookmark stays exact.</item>
/// </list>
/// For a stream-like descriptor the writes go through a second, non-blocking description of the
/// same pipe or terminal (opened from /proc/self/fd), so the shell's description keeps its flags;
/// a socket is written with send(MSG_DONTWAIT). Files and devices that can seek never block for
/// long and are written directly.
/// </summary>
internal sealed unsafe class FileDescriptorOutput : IDisposable
{
    /// <summary>How long one wait for room lasts before the stop token is looked at again.</summary>
    private const int PollSliceMilliseconds = 50;

    /// <summary>POSIX's atomic pipe write: a descriptor that polls writable takes this much without blocking.</summary>
    private const int PipeBuf = 4096;

    /// <summary>What a pipe to the reader is widened to: the most an unprivileged process may ask by default.</summary>
    private const int PipeCapacity = 1 << 20;

    private enum Mode { Direct, NonBlocking, Socket, Chunked }

    private readonly int _fd;
    private readonly Mode _mode;
    private readonly bool _ownsFd;

    private FileDescriptorOutput(int fd, Mode mode, bool ownsFd)
    {
        _fd = fd;
        _mode = mode;
        _ownsFd = ownsFd;
        _terminal = new Lazy<bool>(() => !OperatingSystem.IsWindows() && Posix.KindOf($"/dev/fd/{fd}") == FileKind.CharacterDevice);
    }

    /// <summary>True when descriptor <paramref name="fd"/> is open for writing, as the process was started with it.</summary>
    public static bool IsUsable(int fd) => OperatingSystem.IsWindows() || Posix.IsUsableForWriting(fd);

    /// <summary>A human name for the way the descriptor is written, for the debug log and tests.</summary>
    public string Kind => _mode.ToString();

    /// <summary>
    /// Opens descriptor <paramref name="fd"/> (default stdout) for writing. Throws
    /// <see cref="IOException"/> when it is not open for writing (a command run with <c>&gt;&amp;-</c>).
    /// </summary>
    public static FileDescriptorOutput Open(int fd = 1)
    {
        if (!Posix.IsUsableForWriting(fd)) throw new IOException($"file descriptor {fd} is not open for writing");
        if (Posix.LSeek(fd, 0, Posix.SEEK_CUR) >= 0 || Posix.Errno != Posix.ESPIPE)
            return new FileDescriptorOutput(fd, Mode.Direct, false);
        if (Posix.Send(fd, null, 0, Posix.MSG_DONTWAIT | Posix.MSG_NOSIGNAL) >= 0)
            return new FileDescriptorOutput(fd, Mode.Socket, false);
        if (!OperatingSystem.IsMacOS())
        {
            int own = Posix.Open($"/proc/self/fd/{fd}", Posix.O_WRONLY | Posix.O_NONBLOCK | Posix.O_CLOEXEC);
            if (own >= 0)
            {
                // A pipe holds 64 KiB by default: a batch of 256 KiB then goes out in four waits for
                // the reader. Widened where the kernel allows (Linux; refused quietly elsewhere).
                if (OperatingSystem.IsLinux()) Posix.Fcntl(own, Posix.F_SETPIPE_SZ, PipeCapacity);
                return new FileDescriptorOutput(own, Mode.NonBlocking, true);
            }
        }
        return new FileDescriptorOutput(fd, Mode.Chunked, false);
    }

    /// <summary>
    /// Writes <paramref name="bytes"/>. Returns when all went out, the reader left, writing
    /// failed, or — while the descriptor could take nothing — <paramref name="stop"/> fired.
    /// </summary>
    public WriteOutcome Write(ReadOnlySpan<byte> bytes, CancellationToken stop)
    {
        long written = 0;
        fixed (byte* start = bytes)
        {
            while (written < bytes.Length)
            {
                int remaining = bytes.Length - (int)written;
                if (_mode == Mode.Chunked)
                {
                    var wait = WaitForRoom(stop);
                    if (wait is { } ended) return ended with { Written = written };
                    remaining = Math.Min(remaining, PipeBuf);
                }
                nint n = _mode == Mode.Socket
                    ? Posix.Send(_fd, start + written, (nuint)remaining, Posix.MSG_DONTWAIT | Posix.MSG_NOSIGNAL)
                    : Posix.Write(_fd, start + written, (nuint)remaining);
                if (n > 0)
                {
                    written += n;
                    continue;
                }
                int errno = n < 0 ? Posix.Errno : Posix.EAGAIN;
                if (errno == Posix.EINTR) continue;
                if (errno == Posix.EAGAIN)
                {
                    var wait = WaitForRoom(stop);
                    if (wait is { } ended) return ended with { Written = written };
                    continue;
                }
                if (errno == Posix.EPIPE || errno == Posix.ECONNRESET) return new WriteOutcome(written, WriteStatus.Closed);
                return new WriteOutcome(written, WriteStatus.Failed, Posix.Describe(errno));
            }
        }
        return new WriteOutcome(written, WriteStatus.Done);
    }

    private readonly Lazy<bool> _terminal;

    /// <summary>
    /// True when the other end of a pipe, FIFO or socket is gone (poll(2) says POLLERR or
    /// POLLHUP), without writing anything. A file never says so.
    /// </summary>
    public bool ReaderGone()
    {
        // A terminal that goes away sends SIGHUP, which ends the run as it should (129).
        if (_mode == Mode.Direct || _terminal.Value) return false;
        var poll = new Posix.PollFd { Fd = _fd, Events = Posix.POLLOUT };
        return Posix.Poll(&poll, 1, 0) > 0 && (poll.REvents & (Posix.POLLERR | Posix.POLLHUP)) != 0;
    }

    /// <summary>Null once the descriptor can take bytes; otherwise how the wait ended.</summary>
    private WriteOutcome? WaitForRoom(CancellationToken stop)
    {
        var poll = new Posix.PollFd { Fd = _fd, Events = Posix.POLLOUT };
        while (true)
        {
            if (stop.IsCancellationRequested) return new WriteOutcome(0, WriteStatus.Stopped);
            poll.REvents = 0;
            int r = Posix.Poll(&poll, 1, PollSliceMilliseconds);
            if (r < 0)
            {
                int errno = Posix.Errno;
                if (errno == Posix.EINTR) continue;
                return new WriteOutcome(0, WriteStatus.Failed, Posix.Describe(errno));
            }
            if (r == 0) continue;
            // POLLERR on a pipe means its reader is gone: let write(2) say EPIPE.
            if ((poll.REvents & Posix.POLLNVAL) != 0) return new WriteOutcome(0, WriteStatus.Failed, Posix.Describe(Posix.EBADF));
            return null;
        }
    }

    public void Dispose()
    {
        if (_ownsFd) Posix.Close(_fd);
    }
}
