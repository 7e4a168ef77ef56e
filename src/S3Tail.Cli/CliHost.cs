namespace S3Tail.Cli;

/// <summary>
/// What a run of the command line takes from the process around it: its streams, its home
/// folder and environment variables, and whether it owns the process (its signals, its exit).
/// <see cref="OfThisProcess"/> is the real one; the test suite runs the same entry point in its
/// own process with a host of its own (a pipe for stdout, a HOME per test), so that specs where
/// no process boundary is under test need not start one.
/// </summary>
internal sealed record CliHost(
    TextWriter Error,
    TextWriter Out,
    int OutputFd,
    string Home,
    Func<string, string?> Variables,
    bool ErrorIsTerminal,
    bool OwnsProcess)
{
    public static CliHost OfThisProcess() => new(
        Console.Error, Console.Out, OutputFd: 1,
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
        Environment.GetEnvironmentVariable,
        ErrorIsTerminal: !Console.IsErrorRedirected,
        OwnsProcess: true);

    /// <summary><c>~</c> or <c>~/…</c> in a path given by the user, under <see cref="Home"/>.</summary>
    public string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/") ? Home + path[1..] : path;
}
