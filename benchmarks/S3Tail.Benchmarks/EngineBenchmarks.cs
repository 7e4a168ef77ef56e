using Akka.Actor;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using S3Tail.Cache;

namespace S3Tail.Benchmarks;

/// <summary>
/// The full BenchmarkDotNet runs (README: Performance), in process: the actor engine against
/// the sequential and the plain concurrent designs on the same source, time and allocations side
/// by side. Every case hashes its output and throws when it differs from the expected bytes, so
/// a run that went wrong fails instead of timing as fast.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public abstract class EngineBenchmarkBase
{
    protected ActorSystem System = null!;
    private string _expected = "";

    /// <summary>Called by each class's own [GlobalSetup], with the source's expected output hash.</summary>
    protected void CreateSystem(string expectedSha256)
    {
        System = S3TailEngine.CreateActorSystem();
        _expected = expectedSha256;
    }

    [GlobalCleanup]
    public void Terminate() => System.Terminate().Wait();

    protected async Task<long> Actors(Storage.IObjectSource source, int prefetch, ObjectCache? cache)
    {
        var sink = new HashingSink();
        var result = await S3TailEngine.RunAsync(System, new TailRequest { Source = source, Prefetch = prefetch, Cache = cache }, sink);
        if (result.Reason != StopReason.Completed) throw new InvalidOperationException($"the run ended {result.Reason}: {result.Error}");
        return Checked(sink);
    }

    protected async Task<long> Sequential(Storage.IObjectSource source, ObjectCache? cache)
    {
        var sink = new HashingSink();
        await SequentialTail.RunAsync(source, "", cache, sink);
        return Checked(sink);
    }

    protected async Task<long> Concurrent(Storage.IObjectSource source, int concurrency, ObjectCache? cache)
    {
        var sink = new HashingSink();
        await ConcurrentTail.RunAsync(source, "", cache, sink, concurrency);
        return Checked(sink);
    }

    private long Checked(HashingSink sink)
    {
        string got = sink.Hash();
        if (got != _expected) throw new InvalidOperationException($"the output's SHA-256 is {got}, expected {_expected}");
        return sink.Bytes;
    }

    protected static string Sha256Of(IEnumerable<byte[]> decodedInKeyOrder)
    {
        using var sha = global::System.Security.Cryptography.IncrementalHash.CreateHash(global::System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var d in decodedInKeyOrder) sha.AppendData(d);
        return Convert.ToHexString(sha.GetHashAndReset());
    }
}

/// <summary>
/// S1: 1,000 objects of ~4 KB, 20 ms added to every request. The windows are separate cases, not
/// [Params], so the sequential baseline runs once, not once per window.
/// </summary>
public class ManySmallObjectsBenchmarks : EngineBenchmarkBase
{
    private LatencySource _source = null!;

    [GlobalSetup]
    public void Setup()
    {
        var objects = Workloads.ManySmall(1000);
        CreateSystem(Sha256Of(objects.OrderBy(o => o.Key, Storage.Utf8Order.Instance).Select(o => o.Stored)));
        _source = new LatencySource(objects, TimeSpan.FromMilliseconds(20));
    }

    [Benchmark(Baseline = true)]
    public Task<long> SequentialDesign() => Sequential(_source, null);

    [Benchmark]
    public Task<long> ConcurrentDesignN32() => Concurrent(_source, 32, null);

    [Benchmark]
    public Task<long> ActorEngineP8() => Actors(_source, 8, null);

    [Benchmark]
    public Task<long> ActorEngineP32() => Actors(_source, 32, null);

    [Benchmark]
    public Task<long> ActorEngineAuto() => Actors(_source, TailRequest.AutoPrefetch, null);
}

/// <summary>S2: 8 gzip objects of 64 MB decoded, no added latency, cache off.</summary>
public class LargeGzipBenchmarks : EngineBenchmarkBase
{
    private LatencySource _source = null!;

    [GlobalSetup]
    public void Setup()
    {
        var objects = Workloads.LargeGzip(8, 64);
        CreateSystem(Sha256Of(objects.OrderBy(o => o.Key, Storage.Utf8Order.Instance).Select(o => Workloads.Gunzip(o.Stored))));
        _source = new LatencySource(objects.Select(o => (o.Key, o.Stored)).ToList(), TimeSpan.Zero);
    }

    [Benchmark(Baseline = true)]
    public Task<long> SequentialDesign() => Sequential(_source, null);

    [Benchmark]
    public Task<long> ConcurrentDesignN8() => Concurrent(_source, 8, null);

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
        var objects = Workloads.LargeGzip(8, 64);
        CreateSystem(Sha256Of(objects.OrderBy(o => o.Key, Storage.Utf8Order.Instance).Select(o => Workloads.Gunzip(o.Stored))));
        _source = new LatencySource(objects.Select(o => (o.Key, o.Stored)).ToList(), TimeSpan.Zero);
        _folder = Directory.CreateTempSubdirectory("s3tail-bench-cache-").FullName;
        _cache = new ObjectCache(_folder, TimeSpan.FromHours(1));
        Sequential(_source, _cache).Wait();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        Terminate();
        Directory.Delete(_folder, true);
    }

    [Benchmark(Baseline = true)]
    public Task<long> SequentialDesign() => Sequential(_source, _cache);

    [Benchmark]
    public Task<long> ConcurrentDesignN8() => Concurrent(_source, 8, _cache);

    [Benchmark]
    public Task<long> ActorEngine() => Actors(_source, 8, _cache);
}
