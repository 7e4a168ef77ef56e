using System.Diagnostics;
using System.IO.Compression;
using S3Tail.Decoding;

namespace S3Tail.Benchmarks;

/// <summary>
/// gunzip alone, in this process: s3tail's decoder (the gzip wrapper parsed here, the runtime's
/// inflater, every member's CRC-32 checked) against a plain GZipStream read (the same inflater,
/// no truncation check) and against zcat (the system zlib) as a process (its CPU from /usr/bin/time), on one .gz file, made
/// here from generated access-log lines unless a path is given. Prints CPU seconds and MB/s of
/// decoded output, best and median of the rounds.
/// </summary>
internal static class GunzipRunner
{
    public static async Task<int> RunAsync(string? path, int megabytes, int rounds)
    {
        path ??= Make(megabytes);
        long decoded = 0;
        var results = new Dictionary<string, List<double>> { ["s3tail GzipMemberStream"] = [], ["GZipStream"] = [], ["zcat (process)"] = [] };
        for (int round = 0; round < rounds; round++)
        {
            results["s3tail GzipMemberStream"].Add(Time(() => decoded = Drain(new GzipMemberStream(File.OpenRead(path)))));
            results["GZipStream"].Add(Time(() => Drain(new GZipStream(File.OpenRead(path), CompressionMode.Decompress))));
            results["zcat (process)"].Add(await ZcatAsync(path));
        }
        Console.WriteLine($"{Path.GetFileName(path)}: {new FileInfo(path).Length / 1e6:0.0} MB stored, {decoded / 1e6:0.0} MB decoded; {rounds} rounds");
        Console.WriteLine($"{"decoder",-26} {"median s",9} {"best s",8} {"MB/s",7}");
        foreach (var (name, times) in results)
        {
            times.Sort();
            Console.WriteLine($"{name,-26} {times[times.Count / 2],9:0.000} {times[0],8:0.000} {decoded / 1e6 / times[times.Count / 2],7:0}");
        }
        return 0;
    }

    private static long Drain(Stream s)
    {
        using (s)
        {
            var buffer = new byte[256 * 1024];
            long total = 0;
            int n;
            while ((n = s.Read(buffer)) > 0) total += n;
            return total;
        }
    }

    private static double Time(Action action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        action();
        return (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
    }

    /// <summary>zcat's CPU seconds (user + system), as /usr/bin/time reports them; its output goes to /dev/null.</summary>
    private static async Task<double> ZcatAsync(string path)
    {
        using var p = Process.Start(new ProcessStartInfo("/usr/bin/time", ["-f", "%U %S", "sh", "-c", "zcat \"$0\" > /dev/null", path])
            { RedirectStandardError = true })!;
        var report = (await p.StandardError.ReadToEndAsync()).Trim().Split('\n')[^1].Split(' ');
        await p.WaitForExitAsync();
        return double.Parse(report[0], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(report[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    internal static string Make(int megabytes)
    {
        var path = Path.Combine(Path.GetTempPath(), $"s3tail-gunzip-{megabytes}mb.log.gz");
        if (File.Exists(path)) return path;
        using var file = File.Create(path + ".part");
        using (var gz = new GZipStream(file, CompressionLevel.Optimal))
        {
            for (int seed = 0; seed * 4 < megabytes; seed++) gz.Write(Workloads.AccessLog(seed, 4_000_000));
        }
        File.Move(path + ".part", path);
        return path;
    }
}
