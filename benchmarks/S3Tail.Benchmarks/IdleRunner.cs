using System.Diagnostics;

namespace S3Tail.Benchmarks;

/// <summary>
/// What s3tail costs while it waits: a follow over an empty local folder and a worker with no
/// run, each measured over a window after start-up (CPU seconds from /proc, user + system).
/// Both can sit idle for days, so a busy timer shows up here, not in any run's wall time.
/// </summary>
public static class IdleRunner
{
    public static async Task<int> RunAsync(int seconds)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-idle-").FullName;
        try
        {
            var empty = Directory.CreateDirectory(Path.Combine(scratch, "logs")).FullName + "/";
            string secret = Path.Combine(scratch, "secret");
            using (var make = Process.Start(new ProcessStartInfo(ScriptRun.Cli, ["worker", "--new-secret", secret]) { RedirectStandardError = true })!)
                await make.WaitForExitAsync();

            Console.WriteLine($"idle CPU over {seconds} s after a 4 s start ({ScriptRun.Cli}):");
            Report("s3tail -f EMPTY-FOLDER", await IdleCpuAsync(["-f", empty], seconds, scratch), seconds);
            Report("s3tail worker", await IdleCpuAsync(["worker", "--listen", $"127.0.0.1:{FreePort()}", "--secret-file", secret], seconds, scratch), seconds);
            return 0;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Report(string what, double cpu, int seconds) =>
        Console.WriteLine($"  {what,-24} {cpu,6:F2} s CPU = {100 * cpu / seconds,5:F1}% of one core");

    private static async Task<double> IdleCpuAsync(string[] args, int seconds, string home)
    {
        var psi = new ProcessStartInfo(ScriptRun.Cli, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["HOME"] = home;
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.BaseStream.CopyToAsync(Stream.Null);
        var stderr = p.StandardError.ReadToEndAsync();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(4));   // start-up and tiered re-JIT are not idling
            double before = CpuSeconds(p.Id);
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            if (p.HasExited) throw new InvalidOperationException($"s3tail {string.Join(' ', args)} ended: {await stderr}");
            return CpuSeconds(p.Id) - before;
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>utime + stime of a live process, from /proc/PID/stat (fields 14 and 15).</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / 100.0;   // USER_HZ is 100 on Linux
    }
}
