using Microsoft.Win32.SafeHandles;

namespace S3Tail.Cli;

/// <summary>
/// stdout as a plain unbuffered stream on file descriptor 1. Console.OpenStandardOutput() is not
/// usable here: on Unix it swallows EPIPE and reports success, so a run piped into `head` would
/// read and "write" everything to the end and print a bookmark past what anyone saw.
/// </summary>
internal static class StandardOutput
{
    public static Stream Open() =>
        OperatingSystem.IsWindows()
            ? Console.OpenStandardOutput()
            : new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
