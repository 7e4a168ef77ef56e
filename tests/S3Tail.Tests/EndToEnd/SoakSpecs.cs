using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Many objects, faults injected at random into a few percent of requests (503, 500, bodies cut
/// mid-way, failed listings), several prefetch values: the output is byte-exact every time.
/// The suite runs 600 objects; S3TAIL_SOAK_OBJECTS=5000 makes the long soak (see README).
/// </summary>
public sealed class SoakSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private static int ObjectCount =>
        int.TryParse(Environment.GetEnvironmentVariable("S3TAIL_SOAK_OBJECTS"), out int n) && n > 0 ? n : 600;

    [Fact]
    public async Task Should_write_byte_exact_output_through_random_faults_at_every_prefetch()
    {
        var bucket = await _server.CreateBucketAsync();
        var random = new Random(31337);
        var objects = Enumerable.Range(0, ObjectCount)
            .Select(i => (Key: $"soak/{i / 100:D3}/{i:D5}", Decoded: AccessLog(i, random.Next(1, 60)), Gzip: random.Next(3) == 0))
            .ToList();
        await _server.PutAllAsync(bucket, objects.Select(o => (o.Key, o.Gzip ? Gzip(o.Decoded) : o.Decoded)), parallel: 16);
        await _server.SetRulesAsync(bucket,
            new { op = "getObject", status = 503, code = "SlowDown", probability = 0.02 },
            new { op = "getObject", status = 500, code = "InternalError", probability = 0.02 },
            new { op = "getObject", cutAfterBytes = 700, probability = 0.02 },
            new { op = "list", status = 503, code = "SlowDown", probability = 0.05 });
        var expected = ExpectedOutput(objects.Select(o => (o.Key, o.Decoded)));

        foreach (int prefetch in new[] { 3, 16, 64 })
        {
            var result = await new InProcessCli().RunAsync(
                ["--endpoint-url", _server.Endpoint, "--cache-hours", "0", "-p", prefetch.ToString(), $"s3://{bucket}/soak/"],
                null, TimeSpan.FromMinutes(10));
            Assert.True(result.ExitCode == 0, $"prefetch {prefetch}: {result}");
            Assert.True(expected.AsSpan().SequenceEqual(result.Stdout), $"prefetch {prefetch}: output differs");
        }
        var counts = await _server.CountsAsync(bucket);
        Assert.True(counts.Ranged > 0, "some cut bodies must have been continued");
    }
}
