namespace S3Tail.Tests.Support;

/// <summary>The test run's one server, shared by every test class that asks for it.</summary>
public sealed class S3ServerFixture : IAsyncLifetime
{
    public S3TestServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await S3TestServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class S3ServerCollection : ICollectionFixture<S3ServerFixture>
{
    public const string Name = "s3 server";
}
