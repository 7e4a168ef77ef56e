using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3.Model;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// A peer that stops answering is a transient failure after --timeout, retried like a 503 — never
/// a hang — and a GET reads only the version of an object that was listed.
/// </summary>
public sealed class StallSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    [Fact]
    public async Task Should_retry_a_body_that_stops_midway_from_where_it_stopped()
    {
        var bucket = await _server.CreateBucketAsync();
        var objects = new List<(string Key, byte[] Decoded)> { ("logs/a", AccessLog(1, 200)), ("logs/b", AccessLog(2, 20)) };
        await _server.PutAllAsync(bucket, objects);
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "logs/a", stallAfterBytes = 5000, times = 1 });

        var clock = Stopwatch.StartNew();
        var r = await new CliProcess().RunAsync(["--endpoint-url", _server.Endpoint, "--timeout", "1", $"s3://{bucket}/logs/"], null);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(ExpectedOutput(objects), r.Stdout);
        Assert.Contains(r.StderrLines, l => l.Contains("no answer for 1 s") && l.Contains("trying again from byte 5000"));
        Assert.Equal(1, (await _server.CountsAsync(bucket)).Ranged);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Should_retry_a_listing_that_does_not_answer()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "logs/a", Text("a\n"));
        await _server.SetRulesAsync(bucket, new { op = "list", delayMs = 30_000, times = 2 });

        var r = await new CliProcess().RunAsync(["--endpoint-url", _server.Endpoint, "--timeout", "1", $"s3://{bucket}/logs/"], null);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("a\n", r.StdoutText);
    }

    [Fact]
    public async Task Should_give_up_on_an_endpoint_that_accepts_and_never_answers_with_one_line_and_exit_1()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var held = new List<TcpClient>();
        using var cts = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try { while (true) held.Add(await listener.AcceptTcpClientAsync(cts.Token)); }
            catch (OperationCanceledException) { }
        });
        string endpoint = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var clock = Stopwatch.StartNew();
        var r = await new CliProcess().RunAsync(["--endpoint-url", endpoint, "--timeout", "0.5", "-b", "logs/x:3", "s3://silent/logs/"], null,
            TimeSpan.FromSeconds(60));
        cts.Cancel();
        await accepting;
        held.ForEach(c => c.Dispose());

        Assert.Equal(1, r.ExitCode);
        var error = Assert.Single(r.StderrLines, l => l.StartsWith("s3tail: error: "));
        Assert.Contains("no answer for 0.5 s", error);
        Assert.Equal("Bookmark: logs/x:3", r.StderrLines[^1]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
    }

    /// <summary>
    /// An object replaced between LIST and GET: the GET is pinned to the listed ETag, so the new
    /// version is never cached under the old ETag; the run says what happened, and the next run
    /// reads the new version.
    /// </summary>
    [Fact]
    public async Task Should_not_read_a_version_other_than_the_one_listed()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAsync(bucket, "logs/a", Text("old version\n"));
        // The GET waits long enough for the replacement below to land even on a loaded machine
        // (2 s did not: the spec once saw the old version answered before the PUT).
        await _server.SetRulesAsync(bucket, new { op = "getObject", delayMs = 6000, times = 1 });
        var cli = new CliProcess();
        string[] args = ["--endpoint-url", _server.Endpoint, $"s3://{bucket}/logs/"];

        var first = cli.RunAsync(args, null);
        // Replace the object while its GET (listed already) waits out the delay.
        while ((await _server.CountsAsync(bucket)).GetObject == 0) await Task.Delay(50);
        await _server.Client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "logs/a", ContentBody = "new version, longer\n", UseChunkEncoding = false,
        });
        var r = await first;

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("changed after it was listed", r.Stderr);
        Assert.Empty(r.Stdout);
        var again = await cli.RunAsync(args, null);
        Assert.Equal("new version, longer\n", again.StdoutText);
    }

    /// <summary>A web server is not an S3 endpoint: its page must not read as an empty bucket.</summary>
    [Fact]
    public async Task Should_say_so_when_the_endpoint_does_not_answer_as_s3()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var cts = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var client = await listener.AcceptTcpClientAsync(cts.Token);
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    await stream.ReadAtLeastAsync(buffer, 1, throwOnEndOfStream: false, cts.Token);
                    var body = "<html><body>hello</body></html>";
                    var answer = $"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
                    await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(answer), cts.Token);
                }
            }
            catch (OperationCanceledException) { }
        });
        string endpoint = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";

        var r = await new CliProcess().RunAsync(["--endpoint-url", endpoint, "s3://website/logs/"], null);
        cts.Cancel();
        await serving;

        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"s3tail: error: Error listing s3://website/logs/: the endpoint {endpoint} did not answer as S3 does; check --endpoint-url (the S3 API's address, not a web page).",
            r.StderrLines.Single());
    }
}
