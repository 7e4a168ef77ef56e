using Akka.Actor;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using S3Tail.Cache;

namespace S3Tail.Benchmarks;

/// <summary>
/// The full BenchmarkDotNet runs (README: Performance), in process: the actor engine against
/// the sequential design on the same source, time and allocations side by side.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public abstract class EngineBenchmarkBase
{
    protected ActorSystem System = null!;

    [GlobalSetup(Target = "*")]
    public void CreateSystem() => System = S3TailEngine.CreateActorSystem();

    [GlobalCleanup]
    public void Terminate() => System.Terminate().Wait();

    protected async Task<long> Actors(Storage.IObjectSource source, int prefetch, ObjectCache? cache)
    {
        var sink = new CountingSink();
        await S3TailEngine.RunAsync(System, new TailRequest { Source = source, Prefetch = prefetch, Cache = cache }, sink);
        return sink.Bytes;
    }
}

/// <summary>S1: 1,000 objects of ~4 KB, 20 ms added to every request.</summary>
public class ManySmallObjectsBenchmarks : EngineBenchmarkBase
{
    private LatencySource _source = null!;

    [GlobalSetup]
    public void Setup()
    {
        CreateSystem();
        _source = new LatencySource(Workloads.ManySmall(1000), TimeSpan.FromMilliseconds(20));
    }

    [Benchmark(Baseline = true)]
    public Task<long> Sequential() => SequentialTail.RunAsync(_source, "", null, new CountingSink());

    [Params(1, 4, 8, 16, 32, 64)]
    public int Prefetch { get; set; }

    [Benchmark]
    public Task<long> ActorEngine() => Actors(_source, Prefetch, null);
}

/// <summary>S2: 8 gzip objects of 64 MB decoded, no added latency, cache off.</summary>
public class LargeGzipBenchmarks : EngineBenchmarkBase
{
    private LatencySource _source = null!;

    [GlobalSetup]
    public void Setup()
    {
        CreateSystem();
        _source = new LatencySource(Workloads.LargeGzip(8, 64).Select(o => (o.Key, o.Stored)).ToList(), TimeSpan.Zero);
    }

    [Benchmark(Baseline = true)]
    public Task<long> Sequential() => SequentialTail.RunAsync(_source, "", null, new CountingSink());

    [Benchmark]
    public Task<long> ActorEngine() => Actors(_source, 8, null);
}

/// <summary>S3: S2 with the cache filled.</summary>
public class WarmCacheBenchmarks : EngineBenchmarkBase
{
    private LatencySource _source = null!;
    private ObjectCache _cache = null!;
    private string _folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        CreateSystem();
        _source = new LatencySource(Workloads.LargeGzip(8, 64).Select(o => (o.Key, o.Stored)).ToList(), TimeSpan.Zero);
        _folder = Directory.CreateTempSubdirectory("s3tail-bench-cache-").FullName;
        _cache = new ObjectCache(_folder, TimeSpan.FromHours(1));
        SequentialTail.RunAsync(_source, "", _cache, new CountingSink()).Wait();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Terminate();
        Directory.Delete(_folder, true);
    }

    [Benchmark(Baseline = true)]
    public Task<long> Sequential() => SequentialTail.RunAsync(_source, "", _cache, new CountingSink());

    [Benchmark]
    public Task<long> ActorEngine() => Actors(_source, 8, _cache);
}
