using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;

namespace S3Tail.Workers;

/// <summary>
/// The run's own cluster node: it listens on the address the workers can reach it at (the one
/// this machine would use to send to the first worker that has a route; loopback when every
/// worker is on this machine), on any free port, and joins itself so the workers can join it.
/// </summary>
internal static class RunNode
{
    public static ActorSystem Start(IReadOnlyList<string> workers, X509Certificate2 identity)
    {
        var system = NodeConfig.Create(ListenAddress(workers), 0, "run", identity);
        Akka.Cluster.Cluster.Get(system).Join(NodeConfig.AddressOf(system));
        return system;
    }

    private static string ListenAddress(IReadOnlyList<string> workers)
    {
        static string Host(string hostPort) => hostPort[..hostPort.LastIndexOf(':')].Trim('[', ']');
        bool loopback = workers.All(w => Host(w) is "localhost" || (IPAddress.TryParse(Host(w), out var ip) && IPAddress.IsLoopback(ip)));
        foreach (var worker in loopback ? [] : workers)
        {
            try
            {
                // Connecting a UDP socket sends nothing: it only asks the kernel which address routes there.
                using var probe = new Socket(SocketType.Dgram, ProtocolType.Udp);
                probe.Connect(Host(worker), int.Parse(worker[(worker.LastIndexOf(':') + 1)..]));
                return ((IPEndPoint)probe.LocalEndPoint!).Address.ToString();
            }
            catch (SocketException)
            {
                // Not found, or no route: try the next.
            }
        }
        return "127.0.0.1";
    }
}
