namespace S3Tail.Hosting;

/// <summary>The Akka settings the pipeline needs, whether it makes its own ActorSystem or joins a host's.</summary>
internal static class PipelineConfig
{
    /// <summary>
    /// stdout carries only object content, so Akka must never log there: its events go to a
    /// logger that writes nothing, and each run forwards them to its own log (<see cref="Logging.AkkaLog"/>); the writer gets a thread
    /// of its own (a blocked pipe must not hold a shared dispatcher thread); signals are handled
    /// by the caller, not by a CLR shutdown hook. The scheduler ticks every 100 ms, not Akka's 10 ms:
    /// the pipeline's timers are follow polls, the output check (250 ms) and the recruiter (1 s),
    /// and at 10 ms an idle follow or worker burned about 5% of a core waking up for nothing
    /// (1.2-1.7% now; the benchmarks' idle mode).
    /// </summary>
    public const string Hocon = """
        akka {
          loglevel = WARNING
          loggers = ["S3Tail.Logging.SilentLogger, S3Tail.Engine"]
          stdout-loglevel = OFF
          stdout-logger-class = "S3Tail.Logging.SilentStdoutLogger, S3Tail.Engine"
          log-config-on-start = off
          log-dead-letters = off
          log-dead-letters-during-shutdown = off
          coordinated-shutdown.run-by-clr-shutdown-hook = off
          scheduler.tick-duration = 100ms
        }
        s3tail-writer-dispatcher {
          type = PinnedDispatcher
        }
        """;

    /// <summary>As <see cref="Hocon"/>, with Akka publishing what the tool's log at <paramref name="level"/> can show.</summary>
    public static string For(Logging.LogLevel level) => Hocon + $"\nakka.loglevel = {Logging.AkkaLog.AkkaLevel(level)}\n";
}
