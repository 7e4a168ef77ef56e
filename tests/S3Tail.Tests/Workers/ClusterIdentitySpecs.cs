using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using S3Tail.Workers;

namespace S3Tail.Tests.Workers;

/// <summary>Two nodes over Akka.Remote on 127.0.0.1: they talk only when they hold the same secret.</summary>
public sealed class ClusterIdentitySpecs
{
    private static ActorSystem Node(string secret) =>
        ActorSystem.Create("s3tail", ActorSystemSetup.Create(
            BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString("""
                akka.loglevel = OFF
                akka.stdout-loglevel = OFF
                akka.actor.provider = remote
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, enable-ssl = true }
                """)),
            ClusterIdentity.TlsSetup(secret)));

    private sealed class Echo : ReceiveActor
    {
        public static int Heard;
        public Echo() => Receive<string>(s => { Interlocked.Increment(ref Heard); Sender.Tell("pong:" + s); });
    }

    private static async Task<string?> Ping(string serverSecret, string clientSecret, TimeSpan wait)
    {
        var server = Node(serverSecret);
        var client = Node(clientSecret);
        try
        {
            server.ActorOf(Props.Create(() => new Echo()), "echo");
            var address = ((ExtendedActorSystem)server).Provider.DefaultAddress;
            return await client.ActorSelection($"{address}/user/echo").Ask<string>("ping", wait);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
        finally
        {
            await Task.WhenAll(client.Terminate(), server.Terminate());
        }
    }

    [Fact]
    public async Task Should_let_nodes_with_the_same_secret_talk()
    {
        Assert.Equal("pong:ping", await Ping("correct horse battery staple", "correct horse battery staple", TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task Should_refuse_a_node_with_another_secret_before_any_message_arrives()
    {
        int before = Volatile.Read(ref Echo.Heard);
        Assert.Null(await Ping("correct horse battery staple", "correct horse battery stapler", TimeSpan.FromSeconds(5)));
        Assert.Equal(before, Volatile.Read(ref Echo.Heard));
    }

    [Fact]
    public void Should_give_every_holder_of_a_secret_the_same_key_and_others_another()
    {
        Assert.Equal(ClusterIdentity.Certificate("s").GetPublicKey(), ClusterIdentity.Certificate("s").GetPublicKey());
        Assert.NotEqual(ClusterIdentity.Certificate("s").GetPublicKey(), ClusterIdentity.Certificate("t").GetPublicKey());
        Assert.True(ClusterIdentity.Certificate("s").HasPrivateKey);
    }
}
