using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using S3Tail.Hosting;

namespace S3Tail.Workers;

/// <summary>
/// The settings of a node in a run spread over workers: Akka.Cluster over Akka.Remote with the
/// TLS identity of the shared secret (<see cref="ClusterIdentity"/>), listening on one address.
/// Loopback unless told otherwise. Failure detection is tighter than Akka's defaults: a run is
/// minutes, not months, and a killed worker's objects should move within seconds.
/// </summary>
internal static class NodeConfig
{
    /// <summary>Where a worker listens unless told otherwise.</summary>
    public const string DefaultWorkerAddress = "127.0.0.1:4053";

    /// <summary>
    /// An ActorSystem for a node named <c>s3tail</c> listening on <paramref name="host"/>:<paramref name="port"/>
    /// (0: any free port) with role <paramref name="role"/> ("run" or "worker").
    /// </summary>
    public static ActorSystem Create(string host, int port, string role, string secret) =>
        Create(host, port, role, ClusterIdentity.Certificate(secret));

    /// <summary>As <see cref="Create(string, int, string, string)"/>, with the secret's certificate made once by the caller.</summary>
    public static ActorSystem Create(string host, int port, string role, System.Security.Cryptography.X509Certificates.X509Certificate2 identity)
    {
        var hocon = ConfigurationFactory.ParseString($$"""
            akka {
              actor.provider = cluster
              actor.serializers.s3tail-workers = "S3Tail.Workers.ProtocolSerializer, S3Tail.Engine"
              actor.serialization-bindings { "S3Tail.Pipeline.IWorkerProtocol, S3Tail.Engine" = s3tail-workers }
              # A worker not up yet (or restarting between runs) is tried again within a second, not five.
              remote.retry-gate-closed-for = 1 s
              # Behind the secret's TLS, still take no system messages from a peer (no remote
              # deployment, no remote Create or Terminate) and let it select no actor but a
              # worker's door and what Akka.Cluster itself selects on every member.
              remote.untrusted-mode = on
              remote.trusted-selection-paths = ["/user/door", "/system/cluster/core/daemon", "/system/cluster/heartbeatReceiver"]
              remote.dot-netty.tcp {
                hostname = "{{host}}"
                port = {{port}}
                enable-ssl = true
                # Kept lines of an object travel in chunks well under this.
                maximum-frame-size = 4 MiB
                send-buffer-size = 4 MiB
                receive-buffer-size = 4 MiB
              }
              cluster {
                roles = ["{{role}}"]
                # A worker fetches nothing until it is Up, which takes the leader's actions after
                # gossip has converged: at the defaults (1 s each, first after 1 s) a worker joined
                # 1.9-2.9 s into a run. A run's cluster is a handful of nodes; gossip every 200 ms costs nothing.
                periodic-tasks-initial-delay = 200 ms
                gossip-interval = 200 ms
                leader-actions-interval = 200 ms
                failure-detector {
                  heartbeat-interval = 500 ms
                  acceptable-heartbeat-pause = 3 s
                }
                # The run's node gives a lost worker's objects to others itself; nothing else is downed.
                downing-provider-class = ""
                log-info = off
              }
              # A run's node may be gone without a word: leaving must not wait long for it, and a
              # worker must be ready for the next run soon after one ends.
              coordinated-shutdown.phases {
                cluster-leave.timeout = 500 ms
                cluster-exiting.timeout = 500 ms
                cluster-exiting-done.timeout = 500 ms
                cluster-shutdown.timeout = 500 ms
              }
            }
            """).WithFallback(ConfigurationFactory.ParseString(PipelineConfig.Hocon));
        return ActorSystem.Create("s3tail", ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(hocon), ClusterIdentity.TlsSetup(identity)));
    }

    /// <summary>The address this node is reachable at.</summary>
    public static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;
}
