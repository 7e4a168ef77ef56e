using Akka.Actor;
using Akka.TestKit.Xunit2;
using S3Tail.Logging;
using S3Tail.Workers;

namespace S3Tail.Tests.Workers;

/// <summary>A worker's door refuses, with a reason, the runs it must not serve: another protocol version, or what its operator does not allow.</summary>
public sealed class WorkerDoorActorSpecs : TestKit, IDisposable
{
    private readonly S3Tail.Cache.SpoolFolder _spool = new();

    void IDisposable.Dispose() => _spool.Dispose();

    private IActorRef Door(WorkerScope scope) =>
        Sys.ActorOf(WorkerDoorActor.Props(4, _ => throw new InvalidOperationException("a refused run opens nothing"), null, _spool,
            NullLog.Instance, new TaskCompletionSource(), scope));

    [Fact]
    public void Should_refuse_a_run_of_another_protocol_version_naming_both()
    {
        var run = CreateTestProbe();

        Door(WorkerScope.Default).Tell(new JoinRun(run, WorkerProtocol.Version + 1, "9.9.9", null, ""));

        var answer = run.ExpectMsg<JoinAnswer>();
        Assert.Equal((WorkerProtocol.Version, WorkerProtocol.Software, JoinOutcome.Refused), (answer.Protocol, answer.Software, answer.Outcome));
        Assert.Equal($"it speaks worker protocol {WorkerProtocol.Version} (s3tail {WorkerProtocol.Software}), the run protocol {WorkerProtocol.Version + 1} (s3tail 9.9.9)",
            answer.Reason);
    }

    [Theory]
    [InlineData("s3://logs-bucket/app/", null, "logs-bucket", "web/", null, "it may read only s3://logs-bucket/app/ (--allow), not s3://logs-bucket/web/")]
    [InlineData("s3://logs-bucket/app/", null, "logs-bucket", "", null, "not s3://logs-bucket/")]   // the whole bucket holds more than app/
    [InlineData("s3://logs-bucket", null, "private-bucket", "app/", null, "not s3://private-bucket/app/")]
    [InlineData("s3://logs-bucket/app", null, "logs-bucket", "app-private/", null, "not s3://logs-bucket/app-private/")]   // a prefix is a folder
    [InlineData("s3://logs-bucket/app/", null, "logs-bucket", "app/../private/", null, "not s3://logs-bucket/app/../private/")]   // no dot segments
    [InlineData(null, null, "logs-bucket", "app/", "http://10.0.0.5:9000", "it reads from AWS S3 only, not from the endpoint http://10.0.0.5:9000 (start it with --allow-endpoint http://10.0.0.5:9000)")]
    [InlineData(null, "http://minio:9000", "logs-bucket", "app/", "http://169.254.169.254/latest", "it reads from http://minio:9000 and AWS S3 only, not from the endpoint http://169.254.169.254/latest")]
    public void Should_refuse_a_run_reading_what_its_operator_does_not_allow(string? allow, string? endpoints, string bucket, string prefix, string? endpoint, string reason)
    {
        var run = CreateTestProbe();

        Door(WorkerScope.Parse(allow, endpoints)).Tell(JoinRun.For(run, new SourceSpec(bucket, null, null, endpoint), prefix));

        var answer = run.ExpectMsg<JoinAnswer>();
        Assert.Equal(JoinOutcome.Refused, answer.Outcome);
        Assert.Contains(reason, answer.Reason);
    }

    [Theory]
    [InlineData("s3://logs-bucket/app/", null, "logs-bucket", "app/2024/", null)]
    [InlineData("s3://aaa,s3://logs-bucket", null, "logs-bucket", "", null)]
    [InlineData("s3://logs-bucket/app", null, "logs-bucket", "app/2024/", null)]
    [InlineData("s3://logs-bucket/app", null, "logs-bucket", "app", null)]
    [InlineData(null, "HTTP://MinIO:9000/", "logs-bucket", "", "http://minio:9000")]
    [InlineData(null, "https://s3.example.com", "logs-bucket", "", "https://s3.example.com:443/")]
    public void Should_let_in_what_its_operator_allows(string? allow, string? endpoints, string bucket, string prefix, string? endpoint)
    {
        Assert.Null(WorkerScope.Parse(allow, endpoints).RefusalOf(new SourceSpec(bucket, "eu-west-1", null, endpoint), prefix));
    }
}
