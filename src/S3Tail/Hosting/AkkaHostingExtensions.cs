using Akka.Configuration;
using Akka.Hosting;

namespace S3Tail.Hosting;

/// <summary>
/// For programs that host Akka.NET with Akka.Hosting: adds what the pipeline needs to the host's
/// ActorSystem, so <see cref="S3TailEngine.RunAsync(Akka.Actor.ActorSystem, TailRequest, ILineSink, CancellationToken)"/>
/// can run inside it. The CLI makes a bare ActorSystem with the same settings instead: a generic
/// host would add start-up time to every run of a short-lived command.
/// </summary>
public static class AkkaHostingExtensions
{
    public static AkkaConfigurationBuilder AddS3TailPipeline(this AkkaConfigurationBuilder builder) =>
        builder.AddHocon(ConfigurationFactory.ParseString(PipelineConfig.Hocon), HoconAddMode.Prepend);
}
