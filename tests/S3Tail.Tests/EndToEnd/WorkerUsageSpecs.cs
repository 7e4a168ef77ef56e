using S3Tail.Tests.Support;

namespace S3Tail.Tests.EndToEnd;

/// <summary>Bad command lines for workers: one line, exit 2, nothing started, nothing written to stdout.</summary>
public sealed class WorkerUsageSpecs
{
    private static ICli WithSecret()
    {
        var cli = new InProcessCli();
        cli.Environment["S3TAIL_CLUSTER_SECRET"] = SecretFiles.Fleet;
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

    [Theory]
    [InlineData("--allow", "my-logs/app/", "--allow takes s3://BUCKET[/PREFIX][,…]; got 'my-logs/app/'")]
    [InlineData("--allow", "s3://my-logs/app/,./local", "--allow takes s3://BUCKET[/PREFIX][,…]; got './local'")]
    [InlineData("--allow", "s3://Bad!Bucket/x", "'Bad!Bucket'")]
    [InlineData("--allow", ",", "--allow was given no value")]
    [InlineData("--allow-endpoint", "minio:9000", "--allow-endpoint takes http(s)://HOST[:PORT][,…]; got 'minio:9000'")]
    [InlineData("--allow-endpoint", "ftp://minio:9000", "got 'ftp://minio:9000'")]
    public async Task Should_refuse_a_bound_on_what_a_worker_reads_that_it_cannot_read_as_one(string option, string value, string message)
    {
        UsageError.AssertIn(await WithSecret().RunAsync("worker", "--listen", "127.0.0.1:4999", option, value), message);
    }

    [Fact]
    public async Task Should_refuse_a_worker_without_the_secret()
    {
        UsageError.AssertIn(await new InProcessCli().RunAsync("worker", "--listen", "127.0.0.1:4999"),
            "Workers need the cluster secret: --secret-file FILE or S3TAIL_CLUSTER_SECRET");
    }

    [Fact]
    public async Task Should_refuse_a_secret_file_it_cannot_read()
    {
        UsageError.AssertIn(await new InProcessCli().RunAsync("worker", "--secret-file", "/nonexistent/secret"),
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
        UsageError.AssertIn(await new InProcessCli().RunAsync("--workers", "127.0.0.1:4053", "s3://bucket/x"),
            "Workers need the cluster secret");
    }

    [Theory]
    [InlineData("0644")]
    [InlineData("0640")]
    [InlineData("0604")]
    [InlineData("0620")]
    public async Task Should_refuse_a_secret_file_others_may_read_or_change_as_ssh_does(string mode)
    {
        var cli = new InProcessCli();
        string file = Path.Combine(cli.Home, "secret");
        File.WriteAllText(file, SecretFiles.Fleet);
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32(mode, 8));

        var worker = await cli.RunAsync("worker", "--listen", "127.0.0.1:4999", "--secret-file", file);
        var run = await cli.RunAsync("--workers", "127.0.0.1:4999", "--secret-file", file, "s3://bucket/x");

        foreach (var result in new[] { worker, run })
            UsageError.AssertIn(result, $"The secret file '{file}' may be read or changed by others (mode {mode}): make it private with 'chmod 600 {file}'");
    }

    [Theory]
    [InlineData("a secret")]
    [InlineData("the fleet's secret")]                    // 18 characters: under 128 bits by any simple measure
    [InlineData("Zq3vN8kR2wXp5LmT7yHc4")]                 // 21 base64 characters: 126 bits
    [InlineData("0123456789abcdef0123456789abcde")]      // 31 hex digits: 124 bits
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]   // long, but one character
    public async Task Should_refuse_a_secret_under_128_bits_from_a_file_or_the_environment(string secret)
    {
        var cli = new InProcessCli();
        string file = Path.Combine(cli.Home, "secret");
        SecretFiles.Write(file, secret);
        var fromEnvironment = new InProcessCli();
        fromEnvironment.Environment["S3TAIL_CLUSTER_SECRET"] = secret;

        UsageError.AssertIn(await cli.RunAsync("worker", "--listen", "127.0.0.1:4999", "--secret-file", file),
            $"The cluster secret in '{file}' is too weak");
        UsageError.AssertIn(await fromEnvironment.RunAsync("--workers", "127.0.0.1:4999", "s3://bucket/x"),
            "The cluster secret in S3TAIL_CLUSTER_SECRET is too weak");
        UsageError.AssertIn(await fromEnvironment.RunAsync("--workers", "127.0.0.1:4999", "s3://bucket/x"),
            "make one with 's3tail worker --new-secret FILE'");
    }

    [Theory]
    [InlineData("Zq3vN8kR2wXp5LmT7yHc4b")]                // 22 base64 characters: 132 bits
    [InlineData("0123456789abcdef0123456789abcdef")]     // 32 hex digits: 128 bits
    public void Should_take_a_secret_of_128_bits(string secret)
    {
        string file = Path.Combine(Path.GetTempPath(), $"s3tail-secret-{Guid.NewGuid():N}");
        try
        {
            SecretFiles.Write(file, secret + "\n");
            Assert.Equal(secret, S3Tail.Cli.ClusterSecret.Read(file));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Should_write_a_new_secret_of_256_bits_readable_by_its_owner_only_and_never_overwrite_one()
    {
        var cli = new InProcessCli();
        string file = Path.Combine(cli.Home, "fleet-secret");

        var made = await cli.RunAsync("worker", "--new-secret", file);
        string secret = File.ReadAllText(file);
        var again = await cli.RunAsync("worker", "--new-secret", file);
        string other = Path.Combine(cli.Home, "other-secret");
        await cli.RunAsync("worker", "--new-secret", other);

        Assert.True(made.ExitCode == 0, made.ToString());
        Assert.Empty(made.Stdout);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Matches("^[A-Za-z0-9_-]{43}\n$", secret);   // 32 random bytes, base64url
        Assert.NotEqual(secret, File.ReadAllText(other));
        UsageError.AssertIn(again, $"'{file}' exists already: --new-secret never overwrites a secret");
        Assert.Equal(secret, File.ReadAllText(file));
        Assert.Equal(secret.Trim(), S3Tail.Cli.ClusterSecret.Read(file));   // and it is a secret the tool takes
    }
}
