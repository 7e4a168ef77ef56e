namespace S3Tail.Cli;

/// <summary>The exit codes design.md promises.</summary>
public enum ExitCode
{
    /// <summary>All done, or the reader closed stdout.</summary>
    Ok = 0,
    /// <summary>A runtime error: bucket missing, access denied, object unreadable.</summary>
    RuntimeError = 1,
    /// <summary>Bad usage or bad input: malformed URI, bookmark or config.</summary>
    Usage = 2,
    /// <summary>Interrupted by SIGINT (128 + 2).</summary>
    Interrupted = 130,
    /// <summary>Stopped by SIGTERM (128 + 15).</summary>
    Terminated = 143,
}
