using S3Tail.Cli;
using S3Tail.Cli.Output;

// A standard descriptor the caller closed (>&-, 2>&-) now holds whatever the runtime opened
// first: never write there. stdout's absence is reported by the run; stderr just goes quiet.
if (!FileDescriptorOutput.IsUsable(2)) Console.SetError(TextWriter.Null);
if (!FileDescriptorOutput.IsUsable(1)) Console.SetOut(TextWriter.Null);

return await EntryPoint.RunAsync(args, CliHost.OfThisProcess());
