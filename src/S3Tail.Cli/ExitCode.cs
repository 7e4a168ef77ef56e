namespace S3Tail.Cli;

/// <summary>The exit codes design.md promises.</summary>
internal enum ExitCode
{
    /// <summary>All done, or the reader closed stdout.</summary>
    Ok = 0,
    /// <summary>A runtime error: bucket missing, access denied, object unreadable.</summary>
    RuntimeError = 1,
    /// <summary>Bad usage or bad input: malformed URI, bookmark or config.</summary>
    Usage = 2,
    /// <summary>Stopped by SIGHUP (128 + 1): the terminal or ssh session went away.</summary>
    HangUp = 129,
    /// <summary>Interrupted by SIGINT (128 + 2).</summary>
    Interrupted = 130,
    /// <summary>Stopped by SIGTERM (128 + 15).</summary>
    Terminated = 143,
}

internal static class ExitCodes
{
    /// <summary>The exit code for a run stopped by <paramref name="signal"/>.</summary>
    public static ExitCode For(System.Runtime.InteropServices.PosixSignal? signal) => signal switch
    {
        System.Runtime.InteropServices.PosixSignal.SIGTERM => ExitCode.Terminated,
        System.Runtime.InteropServices.PosixSignal.SIGHUP => ExitCode.HangUp,
        _ => ExitCode.Interrupted,
    };
}
