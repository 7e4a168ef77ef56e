using Akka.Actor;
using Akka.Dispatch;
using Akka.Event;

namespace S3Tail.Logging;

/// <summary>
/// Akka's own log events (a supervisor's report of a crash, a transport failing) in the tool's
/// log. Akka's default logger writes to stdout, which carries only content, so the pipeline's
/// systems use <see cref="SilentLogger"/> instead and every run forwards what Akka publishes to
/// its own <see cref="ILog"/>, at the matching level.
/// </summary>
internal static class AkkaLog
{
    /// <summary>The Akka level a system needs so that the tool's log at <paramref name="level"/> misses nothing it would show.</summary>
    public static string AkkaLevel(LogLevel level) => level switch
    {
        LogLevel.Debug => "DEBUG",
        LogLevel.None => "OFF",
        LogLevel.Error or LogLevel.Critical => "ERROR",
        _ => "WARNING",
    };

    /// <summary>
    /// Writes the events Akka publishes in <paramref name="system"/> to <paramref name="log"/>
    /// until the returned handle is disposed. Akka's info is the tool's debug: it is Akka's
    /// account of its own machinery, not of the run.
    /// </summary>
    public static IDisposable Forward(ActorSystem system, ILog log)
    {
        var forwarder = system.ActorOf(Props.Create(() => new Forwarder(log)));
        system.EventStream.Subscribe(forwarder, typeof(LogEvent));
        return new Subscription(system, forwarder);
    }

    /// <summary>The tool's level for an Akka event.</summary>
    public static LogLevel LevelOf(LogEvent e) => e switch
    {
        Error => LogLevel.Error,
        Warning => LogLevel.Warning,
        _ => LogLevel.Debug,
    };

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(ILog log) =>
            Receive<LogEvent>(e =>
            {
                var level = LevelOf(e);
                if (!log.IsEnabled(level)) return;
                string cause = e is Error { Cause: { } c } ? (level == LogLevel.Debug || log.IsEnabled(LogLevel.Debug) ? $": {c}" : $": {c.Message}") : "";
                log.Write(level, $"akka: {e.LogSource}: {e.Message}{cause}");
            });
    }

    private sealed class Subscription(ActorSystem system, IActorRef forwarder) : IDisposable
    {
        public void Dispose()
        {
            system.EventStream.Unsubscribe(forwarder);
            system.Stop(forwarder);
        }
    }
}

/// <summary>
/// The logger Akka starts in the pipeline's systems: it takes every event and writes none, so
/// Akka never writes to stdout; each run's <see cref="AkkaLog.Forward"/> writes them to the run's log.
/// </summary>
internal sealed class SilentLogger : ReceiveActor, IRequiresMessageQueue<ILoggerMessageQueueSemantics>
{
    public SilentLogger()
    {
        Receive<InitializeLogger>(_ => Sender.Tell(new LoggerInitialized()));
        ReceiveAny(_ => { });
    }
}

/// <summary>
/// Akka's stand-in for its loggers before they start and after they stop (akka.stdout-logger-class).
/// The default one writes to Console.Out, which is fd 1 — the lines' stream: at DEBUG it printed
/// "[DEBUG] … StandardOutLogger started" there now and then, whatever akka.stdout-loglevel said.
/// This one writes nothing: what Akka publishes reaches the run's log through <see cref="AkkaLog"/>.
/// </summary>
internal sealed class SilentStdoutLogger : MinimalLogger
{
    protected override void Log(object message) { }
}
