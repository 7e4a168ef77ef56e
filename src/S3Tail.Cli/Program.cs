using System.CommandLine;
using S3Tail.Cli;
using S3Tail.Cli.Output;

// A standard descriptor the caller closed (>&-, 2>&-) now holds whatever the runtime opened
// first: never write there. stdout's absence is reported by the run; stderr just goes quiet.
if (!FileDescriptorOutput.IsUsable(2)) Console.SetError(TextWriter.Null);
if (!FileDescriptorOutput.IsUsable(1)) Console.SetOut(TextWriter.Null);

var root = CliCommand.Build();
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
    Console.Error.WriteLine($"s3tail: error: {message} (see s3tail --help)");
    return (int)ExitCode.Usage;
}

// Signals are ours to handle (SignalStop): the run must end with an exact bookmark.
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
