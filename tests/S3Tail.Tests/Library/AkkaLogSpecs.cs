using System.Collections.Concurrent;
using Akka.Actor;
using S3Tail.Logging;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Library;

/// <summary>Akka's own errors reach the run's log (they were dropped: akka.loglevel was OFF), never stdout.</summary>
public sealed class AkkaLogSpecs
{
    private sealed class CapturingLog(LogLevel minimum) : ILog
    {
        public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();
        public bool IsEnabled(LogLevel level) => level >= minimum && level != LogLevel.None;
        public void Write(LogLevel level, string message) { if (IsEnabled(level)) Lines.Enqueue((level, message)); }
    }

    private sealed class Crashing : ReceiveActor
    {
        public Crashing() => Receive<string>(m => throw new InvalidOperationException(m));
    }

    [Theory]
    [InlineData(LogLevel.Debug)]
    [InlineData(LogLevel.Warning)]
    public async Task Should_write_an_error_akka_reports_during_a_run_to_the_runs_log(LogLevel level)
    {
        var source = new MemorySource([("a", Text("a\n")), ("b", Text("b\n"))]) { OpenDelay = TimeSpan.FromMilliseconds(700) };
        var log = new CapturingLog(level);
        var system = S3TailEngine.CreateActorSystem(level);
        try
        {
            var run = S3TailEngine.RunAsync(system, new TailRequest { Source = source, Log = log }, new HandlerLineSink((_, _, _) => true));
            await Task.Delay(200);
            system.ActorOf(Props.Create(() => new Crashing()), "crashing").Tell("the crash Akka reports");
            await run;

            Assert.Contains(log.Lines, l => l.Level == LogLevel.Error && l.Message.Contains("the crash Akka reports"));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public async Task Should_not_write_akkas_errors_where_the_log_is_at_critical()
    {
        var source = new MemorySource([("a", Text("a\n"))]) { OpenDelay = TimeSpan.FromMilliseconds(500) };
        var log = new CapturingLog(LogLevel.Critical);
        var system = S3TailEngine.CreateActorSystem(LogLevel.Critical);
        try
        {
            var run = S3TailEngine.RunAsync(system, new TailRequest { Source = source, Log = log }, new HandlerLineSink((_, _, _) => true));
            await Task.Delay(200);
            system.ActorOf(Props.Create(() => new Crashing()), "crashing").Tell("not shown");
            await run;
            Assert.Empty(log.Lines);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
