namespace S3Tail;

/// <summary>How an error ends the run; the CLI maps these to its exit codes (1 and 2).</summary>
public enum ErrorKind
{
    /// <summary>Bad usage or bad input: a malformed URI, bookmark or config file.</summary>
    Usage,
    /// <summary>Something failed while running: bucket missing, access denied, object unreadable.</summary>
    Runtime,
}

/// <summary>
/// An error whose message is one sentence fit for the user: what failed (bucket, key, file) and
/// what to do. Anything else that escapes is a bug and is reported with its type.
/// </summary>
public sealed class S3TailException(ErrorKind kind, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ErrorKind Kind { get; } = kind;

    /// <summary>A retry may succeed: the network failed, or S3 answered 500 or 503 SlowDown.</summary>
    public bool IsTransient { get; init; }

    public static S3TailException Usage(string message) => new(ErrorKind.Usage, message);
    public static S3TailException Runtime(string message, Exception? inner = null) => new(ErrorKind.Runtime, message, inner);
}
