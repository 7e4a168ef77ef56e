using System.Runtime.InteropServices;

namespace S3Tail.Interop;

/// <summary>
/// The few POSIX calls the output needs, straight from libc: .NET's streams either keep a file
/// position of their own (FileStream) or hide EPIPE (Console), and neither can give up on a
/// write that blocks. Constants are Linux's, with macOS's where they differ.
/// </summary>
internal static unsafe partial class Posix
{
    private const string Libc = "libc";

    public static readonly bool IsMac = OperatingSystem.IsMacOS();

    public const int EINTR = 4, EBADF = 9, ENOSPC = 28, ESPIPE = 29, EPIPE = 32;
    public static readonly int EAGAIN = IsMac ? 35 : 11;
    public static readonly int ENOTSOCK = IsMac ? 38 : 88;
    public static readonly int ECONNRESET = IsMac ? 54 : 104;

    public const short POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;
    public const int SEEK_CUR = 1;
    public const int O_RDONLY = 0, O_WRONLY = 1;
    public static readonly int O_NONBLOCK = IsMac ? 0x4 : 0x800;
    public static readonly int O_CLOEXEC = IsMac ? 0x1000000 : 0x80000;
    public static readonly int MSG_DONTWAIT = IsMac ? 0x80 : 0x40;
    public static readonly int MSG_NOSIGNAL = IsMac ? 0 : 0x4000;
    public const int F_GETFD = 1, F_GETFL = 3, O_ACCMODE = 3;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short REvents;
    }

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "send", SetLastError = true)]
    public static partial nint Send(int fd, byte* buffer, nuint count, int flags);

    [LibraryImport(Libc, EntryPoint = "lseek", SetLastError = true)]
    public static partial long LSeek(int fd, long offset, int whence);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMilliseconds);

    [LibraryImport(Libc, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport(Libc, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command);

    [LibraryImport(Libc, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int Fcntl(int fd, int command, int argument);

    public const int F_SETFL = 4;

    /// <summary>Linux: set a pipe's capacity (at most /proc/sys/fs/pipe-max-size, 1 MiB by default, without privilege).</summary>
    public const int F_SETPIPE_SZ = 1031;

    /// <summary>
    /// Opens a file for reading without blocking on a FIFO that has no writer yet, then makes
    /// reads blocking again (a pipe from <c>&lt;(…)</c> is read to its end).
    /// </summary>
    public static Microsoft.Win32.SafeHandles.SafeFileHandle OpenForReadingWithoutBlocking(string path)
    {
        int fd = Open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0) throw new IOException(Describe(Errno));
        int flags = Fcntl(fd, F_GETFL);
        if (flags >= 0) Fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        return new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport(Libc, EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirFd, string path, int flags, uint mask, byte* buffer);

    [LibraryImport(Libc, EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);

    private const int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, STATX_TYPE = 1, W_OK = 2;

    /// <summary>
    /// What kind of file <paramref name="path"/> is (following symlinks unless told not to), or
    /// null when it does not exist or this system cannot say (only Linux's statx is used: its
    /// layout is the same on every architecture).
    /// </summary>
    public static FileKind? KindOf(string path, bool followLinks = true)
    {
        if (!OperatingSystem.IsLinux()) return null;
        byte* buffer = stackalloc byte[256];
        try
        {
            if (StatX(AT_FDCWD, path, followLinks ? 0 : AT_SYMLINK_NOFOLLOW, STATX_TYPE, buffer) != 0) return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
        ushort mode = *(ushort*)(buffer + 28);   // struct statx: stx_mode
        return (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.Symlink,
            0x1000 => FileKind.Fifo,
            0xC000 => FileKind.Socket,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            _ => FileKind.Other,
        };
    }

    /// <summary>True when this process may write <paramref name="path"/> (access(2), W_OK).</summary>
    public static bool MayWrite(string path) => OperatingSystem.IsWindows() || Access(path, W_OK) == 0;

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    /// <summary>True when <paramref name="fd"/> is an open descriptor.</summary>
    public static bool IsOpen(int fd) => Fcntl(fd, F_GETFD) >= 0 || Errno != EBADF;

    /// <summary>
    /// True when <paramref name="fd"/> is open for writing and is what the process was started
    /// with. A standard descriptor closed by the caller (<c>&gt;&amp;-</c>) is reused by the first
    /// file the runtime opens — often one end of its own internal pipe — and writing there would
    /// feed the runtime garbage. Such a descriptor is read-only, or is a pipe whose read end this
    /// process itself holds (at a descriptor of 3 or more; a dup of stdout is write-only).
    /// </summary>
    public static bool IsUsableForWriting(int fd)
    {
        int flags = Fcntl(fd, F_GETFL);
        if (flags < 0 || (flags & O_ACCMODE) == O_RDONLY) return false;
        if (!OperatingSystem.IsLinux()) return true;
        string? target = LinkTarget($"/proc/self/fd/{fd}");
        if (target is null || !target.StartsWith("pipe:", StringComparison.Ordinal)) return true;
        try
        {
            foreach (var entry in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
            {
                if (!int.TryParse(Path.GetFileName(entry), out int other) || other < 3) continue;
                if (LinkTarget(entry) == target && (Fcntl(other, F_GETFL) & O_ACCMODE) == O_RDONLY) return false;
            }
        }
        catch (IOException) { }
        return true;
    }

    private static string? LinkTarget(string path)
    {
        try { return new FileInfo(path).LinkTarget; }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}

/// <summary>The type of a file, as stat(2) gives it.</summary>
internal enum FileKind { Regular, Directory, Symlink, Fifo, Socket, CharacterDevice, BlockDevice, Other }
