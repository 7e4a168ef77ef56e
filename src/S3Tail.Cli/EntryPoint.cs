using System.CommandLine;

namespace S3Tail.Cli;

/// <summary>The command line's entry point: parse, refuse bad usage in one line, run.</summary>
internal static class EntryPoint
{
    public static async Task<int> RunAsync(string[] args, CliHost host, CancellationToken cancellationToken = default)
    {
        var root = CliCommand.Build(host);
        args = CliCommand.WithoutRequestPayerValue(args);
        var parse = root.Parse(args);

        // A usage error is one line and exit 2, not System.CommandLine's page of help and exit 1;
        // --help and --version still win over errors elsewhere on the line.
        bool asksForHelp = args.Any(a => a is "-h" or "--help" or "-?" or "--version");
        if (parse.Errors.Count > 0 && !asksForHelp)
        {
            // An unknown option makes the parser also reject the URI after it: name the option.
            var known = root.Options.SelectMany(o => o.Aliases.Append(o.Name)).ToHashSet();
            var unknown = args.TakeWhile(a => a != "--").FirstOrDefault(a => a.Length > 1 && a[0] == '-' && !char.IsAsciiDigit(a[1]) && !known.Contains(a.Split('=')[0]));
            string message = unknown is not null ? $"unknown option '{unknown}'." : parse.Errors[0].Message;
            host.Error.WriteLine($"s3tail: error: {message} (see s3tail --help)");
            return (int)ExitCode.Usage;
        }

        // Signals are ours to handle (SignalStop): the run must end with an exact bookmark.
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            ProcessTerminationTimeout = null,
            Output = host.Out,
            Error = host.Error,
        }, cancellationToken);
    }
}
