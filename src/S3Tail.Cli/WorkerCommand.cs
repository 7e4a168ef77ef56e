using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Workers;
using S3Tail.Cli.Config;

namespace S3Tail.Cli;

/// <summary><c>s3tail worker</c>: serves runs started elsewhere with --workers until SIGINT, SIGTERM or SIGHUP.</summary>
internal static class WorkerCommand
{
    public static async Task<ExitCode> RunAsync(string? listen, string? secretFile, string? logLevel, double? cacheHours, string? cachePath,
        CliHost host, CancellationToken cancellationToken, string? allow = null, string? allowEndpoints = null, string? newSecret = null)
    {
        var stderr = host.Error;
        ILog log = new TextLog(stderr, LogLevel.Warning);
        if (newSecret is not null)
        {
            try
            {
                ClusterSecret.WriteNew(newSecret);
                return ExitCode.Ok;
            }
            catch (S3TailException e)
            {
                log.Error(e.Message);
                return ExitCode.Usage;
            }
        }
        // SIGINT, SIGTERM or SIGHUP: leave the cluster (a run's node gives this worker's objects to
        // others at once) and exit 0, rather than be killed by the signal.
        using var signals = host.OwnsProcess ? SignalStop.Listen() : SignalStop.None();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Token);
        try
        {
            string address = listen ?? NodeConfig.DefaultWorkerAddress;
            int colon = address.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(address[(colon + 1)..], out int port) || port is < 1 or > 65535)
                throw S3TailException.Usage($"--listen takes HOST:PORT; got '{address}'.");
            // Akka.Remote answers only to the address it listens on; a wildcard is no address a run can dial.
            if (System.Net.IPAddress.TryParse(address[..colon].Trim('[', ']'), out var ip) && (ip.Equals(System.Net.IPAddress.Any) || ip.Equals(System.Net.IPAddress.IPv6Any)))
                throw S3TailException.Usage($"--listen needs the address runs will dial (this machine's address on their network), not '{address[..colon]}'.");
            var scope = WorkerScope.Parse(allow, allowEndpoints);
            string secret = ClusterSecret.Read(secretFile, host.Variables);
            log = new TextLog(stderr, LogLevels.Parse(logLevel ?? "info"));
            // A worker's own cache, as a run's: --cache-hours 0 turns it off; swept when the worker
            // starts and after every run, since a worker may serve runs for weeks.
            double hours = cacheHours ?? RunSettings.DefaultCacheHours;
            ObjectCache? cache = null;
            if (hours > 0)
            {
                cache = new ObjectCache(cachePath is { } p ? host.ExpandHome(p) : RunSettings.DefaultCachePath(host.Home), TimeSpan.FromHours(hours));
                if (!CacheFolder.Usable(cache, log)) cache = null;
            }
            Task Sweep() => cache is null ? Task.CompletedTask : CacheFolder.SweepAsync(cache, hours, log);
            _ = Sweep();
            await WorkerHost.RunAsync(address[..colon], port, secret, scope,
                spec => new S3ObjectSource(spec.Bucket, new S3Settings(spec.Region, spec.Profile, spec.Endpoint, spec.RequesterPays), log), cache, log,
                afterRun: () => _ = Sweep(), stop.Token);
            return ExitCode.Ok;
        }
        catch (S3TailException e)
        {
            log.Error(e.Message);
            return e.Kind == ErrorKind.Usage ? ExitCode.Usage : ExitCode.RuntimeError;
        }
    }
}
