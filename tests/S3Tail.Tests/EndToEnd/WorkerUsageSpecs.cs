using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Bad command lines for workers: one line, exit 2, nothing started, nothing written to stdout.</summary>
public sealed class WorkerUsageSpecs
{
    private static CliProcess WithSecret()
    {
        var cli = new CliProcess();
        cli.Environment["S3TAIL_CLUSTER_SECRET"] = "a secret";
        return cli;
    }

    [Theory]
    [InlineData("nowhere", "--listen takes HOST:PORT; got 'nowhere'")]
    [InlineData("127.0.0.1:0", "--listen takes HOST:PORT")]
    [InlineData("127.0.0.1:70000", "--listen takes HOST:PORT")]
    [InlineData("0.0.0.0:4053", "not '0.0.0.0'")]
    [InlineData("[::]:4053", "not '[::]'")]
    public async Task Should_refuse_a_worker_address_it_cannot_serve_on(string listen, string message)
    {
        UsageError.AssertIn(await WithSecret().RunAsync("worker", "--listen", listen), message);
    }

    [Fact]
    public async Task Should_refuse_a_worker_without_the_secret()
    {
        UsageError.AssertIn(await new CliProcess().RunAsync("worker", "--listen", "127.0.0.1:4999"),
            "Workers need the cluster secret: --secret-file FILE or S3TAIL_CLUSTER_SECRET");
    }

    [Fact]
    public async Task Should_refuse_a_secret_file_it_cannot_read()
    {
        UsageError.AssertIn(await new CliProcess().RunAsync("worker", "--secret-file", "/nonexistent/secret"),
            "Cannot read the secret file '/nonexistent/secret'");
    }

    [Theory]
    [InlineData(new[] { "--workers", "host-without-port", "s3://bucket/x" }, "--workers takes HOST:PORT[,HOST:PORT...]; got 'host-without-port'")]
    [InlineData(new[] { "--workers", ",", "s3://bucket/x" }, "--workers takes HOST:PORT[,HOST:PORT...]; got nothing")]
    [InlineData(new[] { "--workers", "127.0.0.1:4053", "-f", "s3://bucket/x" }, "--workers and --follow cannot be combined")]
    [InlineData(new[] { "--workers", "127.0.0.1:4053", "/tmp" }, "--workers reads S3 only")]
    public async Task Should_refuse_a_run_spread_over_workers_it_cannot_do(string[] args, string message)
    {
        UsageError.AssertIn(await WithSecret().RunAsync(args), message);
    }

    [Fact]
    public async Task Should_refuse_a_run_over_workers_without_the_secret()
    {
        UsageError.AssertIn(await new CliProcess().RunAsync("--workers", "127.0.0.1:4053", "s3://bucket/x"),
            "Workers need the cluster secret");
    }
}
