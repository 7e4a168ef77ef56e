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

    /// <summary>
    /// PBKDF2-HMAC-SHA256 (RFC 8018, one 32-byte block) written out by hand, as the reference:
    /// U1 = HMAC(P, S || INT(1)), Ui = HMAC(P, Ui-1), T = U1 xor … xor Uc.
    /// </summary>
    private static byte[] Pbkdf2Sha256(byte[] password, byte[] salt, int rounds)
    {
        using var hmac = new System.Security.Cryptography.HMACSHA256(password);
        byte[] u = hmac.ComputeHash([.. salt, 0, 0, 0, 1]);
        byte[] t = (byte[])u.Clone();
        for (int i = 1; i < rounds; i++)
        {
            u = hmac.ComputeHash(u);
            for (int k = 0; k < t.Length; k++) t[k] ^= u[k];
        }
        return t;
    }

    [Fact]
    public void Should_derive_the_key_from_the_secret_through_pbkdf2_sha256_at_600000_rounds_so_a_leaked_certificate_is_slow_to_guess_from()
    {
        const string secret = "Zq3vN8kR2wXp5LmT7yHc4bJf";
        byte[] d = Pbkdf2Sha256(System.Text.Encoding.UTF8.GetBytes(secret), "s3tail-cluster-p256-identity-v2"u8.ToArray(), 600_000);
        using var expected = System.Security.Cryptography.ECDsa.Create(new System.Security.Cryptography.ECParameters
        {
            Curve = System.Security.Cryptography.ECCurve.NamedCurves.nistP256, D = d,
        });
        var q = expected.ExportParameters(false).Q;

        using var certificate = ClusterIdentity.Certificate(secret);

        // The public key anyone who connects is shown: the uncompressed point of that private key.
        Assert.Equal([0x04, .. q.X!, .. q.Y!], certificate.GetPublicKey());
        Assert.Equal(WorkerProtocol.Version, ClusterIdentity.ProtocolOf(certificate));
    }
}
