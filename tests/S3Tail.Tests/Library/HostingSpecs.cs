using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using S3Tail.Hosting;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Library;

/// <summary>The engine inside a program that hosts Akka.NET with Akka.Hosting.</summary>
public sealed class HostingSpecs
{
    [Fact]
    public async Task Should_run_in_an_actor_system_wired_by_AddS3TailPipeline()
    {
        // A generic host does what this does: build the services, start the hosted ones.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostApplicationLifetime, Lifetime>();
        services.AddAkka("host-with-s3tail", akka => akka.AddS3TailPipeline());
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted) await service.StartAsync(CancellationToken.None);
        try
        {
            var system = provider.GetRequiredService<ActorSystem>();
            var source = new MemorySource([("a", Text("1\n2\n")), ("b", Text("3\n"))]);
            var lines = new List<string>();
            var result = await S3TailEngine.RunAsync(system, new TailRequest { Source = source },
                new HandlerLineSink((string key, long n, ReadOnlySpan<byte> line) =>
                {
                    lines.Add($"{key}:{n}");
                    return true;
                }));

            Assert.Equal(StopReason.Completed, result.Reason);
            Assert.Equal(["a:1", "a:2", "b:1"], lines);
            // The writer ran on the pipeline's own dispatcher, which only AddS3TailPipeline defines.
            Assert.True(system.Dispatchers.HasDispatcher(S3Tail.Pipeline.WriterActor.DispatcherId));
        }
        finally
        {
            foreach (var service in hosted) await service.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>What a generic host provides; Akka.Hosting's hosted service asks for it.</summary>
    private sealed class Lifetime : IHostApplicationLifetime
    {
        private readonly CancellationTokenSource _stopping = new();
        public CancellationToken ApplicationStarted => CancellationToken.None;
        public CancellationToken ApplicationStopping => _stopping.Token;
        public CancellationToken ApplicationStopped => CancellationToken.None;
        public void StopApplication() => _stopping.Cancel();
    }
}
