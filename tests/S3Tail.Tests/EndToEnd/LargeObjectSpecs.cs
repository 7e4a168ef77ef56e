using System.Security.Cryptography;
using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Objects above 16 MiB come as parallel ranged GETs, pinned to their ETag and put back in order.</summary>
public sealed class LargeObjectSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    /// <summary>Lines that neither gzip nor LZ4 can shrink much, so the stored object stays large.</summary>
    internal static byte[] Lines(int seed, int megabytes)
    {
        var random = new Random(seed);
        var text = new StringBuilder(megabytes << 20);
        var bytes = new byte[48];
        for (int i = 0; text.Length < megabytes << 20; i++)
        {
            random.NextBytes(bytes);
            text.Append(i).Append(' ').Append(Convert.ToHexString(bytes)).Append('\n');
        }
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    [Fact]
    public async Task Should_fetch_a_large_object_in_parallel_ranged_parts_and_write_it_exactly_through_a_cut_part()
    {
        var bucket = await _server.CreateBucketAsync();
        var plain = Lines(1, 20);
        var zipped = Lines(2, 34);
        var gz = Gzip(zipped);
        Assert.True(gz.Length > 16 << 20);
        await _server.PutAsync(bucket, "big/1.log", plain);
        await _server.PutAsync(bucket, "big/2.log.gz", gz);
        // One part's connection is cut once; it is resumed from where it broke.
        await _server.SetRulesAsync(bucket, new { op = "getObject", cutAfterBytes = 1_000_000, times = 1 });

        var result = await new InProcessCli().RunAsync("-q", "--cache-hours", "0", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/big/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Convert.ToHexString(SHA256.HashData([.. plain, .. zipped])), Convert.ToHexString(SHA256.HashData(result.Stdout)));
        var counts = await _server.CountsAsync(bucket);
        // 5 parts of 4 MiB and 5 of the gzip, and the resumed one.
        Assert.True(counts.Ranged >= 10, $"{counts.Ranged} ranged GETs");
    }
}
