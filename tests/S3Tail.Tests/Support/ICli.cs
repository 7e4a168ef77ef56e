namespace S3Tail.Tests.Support;

/// <summary>
/// One way of running s3tail for a spec: as a process of its own (<see cref="CliProcess"/>) or
/// through the same entry point inside the test process (<see cref="InProcessCli"/>).
/// </summary>
public interface ICli
{
    /// <summary>The run's HOME: its ~/.s3tailrc, ~/.s3tailcache and ~/.local/state.</summary>
    string Home { get; }

    /// <summary>Variables given to the run (a null unsets one).</summary>
    Dictionary<string, string?> Environment { get; }

    Task<CliResult> RunAsync(params string[] args);

    Task<CliResult> RunAsync(IEnumerable<string> args, string? workingDirectory, TimeSpan? timeout = null);
}
