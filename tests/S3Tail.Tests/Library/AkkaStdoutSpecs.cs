using S3Tail.Logging;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Library;

/// <summary>
/// stdout is the lines' stream: Akka's own stand-in logger (before its loggers start, after they
/// stop) wrote "[DEBUG] … StandardOutLogger started" to Console.Out now and then at -l debug.
/// Alone: it swaps the process's Console.Out.
/// </summary>
[Collection(AloneCollection.Name)]
public sealed class AkkaStdoutSpecs
{
    [Theory]
    [InlineData(LogLevel.Debug)]
    [InlineData(LogLevel.Warning)]
    public async Task Should_print_nothing_to_stdout_while_actor_systems_start_and_stop(LogLevel level)
    {
        var captured = new StringWriter();
        var stdout = Console.Out;
        Console.SetOut(TextWriter.Synchronized(captured));
        try
        {
            for (int i = 0; i < 20; i++)
            {
                var system = S3TailEngine.CreateActorSystem(level);
                await system.Terminate();
            }
        }
        finally
        {
            Console.SetOut(stdout);
        }
        Assert.Equal("", captured.ToString());
    }
}
