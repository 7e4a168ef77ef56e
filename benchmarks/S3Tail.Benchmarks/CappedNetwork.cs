using System.Diagnostics;
using System.Runtime.InteropServices;

namespace S3Tail.Benchmarks;

/// <summary>
/// A small network of Linux network namespaces for the <c>workers-net</c> benchmark, so that each
/// node (the S3 server, the run, each worker) has its own link with its own bandwidth cap, as
/// machines on a real network do; on loopback every node would share one unlimited link.
///
/// Layout: one namespace per node and one more (the switch) holding a bridge. Each node has a
/// veth pair with one end (<c>eth0</c>) in the node and the other in the switch, on the bridge;
/// nothing is added to the namespace the benchmark runs in, so no traffic leaves the namespaces
/// made here. Each node's link is capped both ways with <c>tc</c>'s token bucket: on
/// <c>eth0</c>'s egress (what the node sends) and on its switch end's egress (what it receives).
/// Addresses come from 198.18.0.0/15, the block set aside for benchmarking (RFC 2544), so they
/// can clash with no private network of the machine.
///
/// Every namespace is named with <see cref="Prefix"/>, so leftovers of a run killed outright
/// (SIGKILL, power) are found and removed by the next (<see cref="RemoveLeftovers"/>). On a normal
/// end, a failure, Ctrl-C or SIGTERM, the processes started in the namespaces are killed first,
/// then the namespaces are deleted (a namespace lives on while a process is in it).
/// </summary>
public sealed class CappedNetwork : IDisposable
{
    public const string Prefix = "s3tn-";
    private const string Switch = Prefix + "switch";

    private readonly List<string> _namespaces = [];
    private readonly Dictionary<string, string> _addresses = new();
    private readonly List<Process> _processes = [];
    private readonly List<PosixSignalRegistration> _signals = [];
    private int _disposed;

    private CappedNetwork()
    {
        // Ctrl-C, SIGTERM and SIGHUP clean up before the default handling ends the process.
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP })
            _signals.Add(PosixSignalRegistration.Create(signal, _ => Dispose()));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Dispose();
    }

    /// <summary>
    /// Builds the network: each node named and capped at its rate in Mbit/s each way, given
    /// addresses 198.18.0.1, .2, … in the order listed.
    /// </summary>
    public static CappedNetwork Create(IReadOnlyList<(string Name, int Mbit)> nodes)
    {
        RemoveLeftovers();
        var network = new CappedNetwork();
        try
        {
            network.AddNamespace(Switch);
            Ip($"-n {Switch} link add br0 type bridge");
            Ip($"-n {Switch} link set br0 up");
            for (int i = 0; i < nodes.Count; i++) network.AddNode(nodes[i].Name, nodes[i].Mbit, $"198.18.0.{i + 1}");
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The address of node <paramref name="name"/>.</summary>
    public string Address(string name) => _addresses[name];

    /// <summary>The start of a command line that runs a program in node <paramref name="name"/>'s namespace.</summary>
    public static string In(string name) => $"ip netns exec {Prefix}{name}";

    /// <summary>Starts <paramref name="psi"/> (a command made with <see cref="In"/>) and kills it when the network goes.</summary>
    public Process Start(ProcessStartInfo psi)
    {
        var p = Process.Start(psi)!;
        lock (_processes) _processes.Add(p);
        return p;
    }

    private void AddNode(string name, int mbit, string address)
    {
        string ns = Prefix + name, peer = $"p-{name}";
        AddNamespace(ns);
        // Made straight into the two namespaces: no interface ever exists in the benchmark's own.
        Ip($"link add eth0 netns {ns} type veth peer name {peer} netns {Switch}");
        Ip($"-n {Switch} link set {peer} master br0");
        Ip($"-n {Switch} link set {peer} up");
        Ip($"-n {ns} link set lo up");
        Ip($"-n {ns} addr add {address}/24 dev eth0");
        Ip($"-n {ns} link set eth0 up");
        Cap(ns, "eth0", mbit);
        Cap(Switch, peer, mbit);
        _addresses[name] = address;
    }

    /// <summary>
    /// A token bucket of <paramref name="mbit"/> on <paramref name="device"/>'s egress. The bucket
    /// holds at least 128 KB: veth hands tc segments of up to 64 KB (offloads), and a bucket
    /// smaller than a segment would drop it; at high rates it holds 20 ms of the rate.
    /// </summary>
    private static void Cap(string ns, string device, int mbit)
    {
        long burst = Math.Max(128 * 1024, mbit * 1_000_000L / 8 / 50);
        Run("tc", $"-n {ns} qdisc add dev {device} root tbf rate {mbit}mbit burst {burst} latency 100ms");
    }

    private void AddNamespace(string ns)
    {
        Ip($"netns add {ns}");
        _namespaces.Add(ns);
    }

    /// <summary>Deletes every namespace named with <see cref="Prefix"/>, from a run that could not clean up.</summary>
    public static void RemoveLeftovers()
    {
        var listed = Output("ip", "netns list");
        foreach (var line in listed.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string ns = line.Split(' ')[0];
            if (!ns.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            KillProcessesIn(ns);
            Run("ip", $"netns del {ns}", check: false);
        }
    }

    /// <summary>Processes still in a leftover namespace keep it alive: they are the leftover run's.</summary>
    private static void KillProcessesIn(string ns)
    {
        foreach (var pid in Output("ip", $"netns pids {ns}").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Run("kill", $"-9 {pid.Trim()}", check: false);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        lock (_processes)
            foreach (var p in _processes)
            {
                try
                {
                    if (!p.HasExited) p.Kill(true);
                    p.WaitForExit(5000);
                }
                catch (InvalidOperationException)
                {
                    // Never started, or gone already.
                }
            }
        // Deleting a node's namespace deletes its veth pair, and with it the switch end.
        foreach (var ns in Enumerable.Reverse(_namespaces)) Run("ip", $"netns del {ns}", check: false);
        foreach (var s in _signals) s.Dispose();
    }

    private static void Ip(string args) => Run("ip", args);

    private static void Run(string file, string args, bool check = true)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (check && p.ExitCode != 0) throw new InvalidOperationException($"{file} {args} failed: {error.Trim()}");
    }

    private static string Output(string file, string args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return output;
    }
}
