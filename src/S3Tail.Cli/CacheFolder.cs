using S3Tail.Cache;
using S3Tail.Logging;
using S3Tail.Interop;

namespace S3Tail.Cli;

/// <summary>Whether a cache folder can be used: made if missing, and a file can be made in it.</summary>
internal static class CacheFolder
{
    /// <summary>True when <paramref name="cache"/>'s folder is usable; otherwise a warning, and the caller goes on without the cache.</summary>
    public static bool Usable(ObjectCache cache, ILog log)
    {
        try
        {
            PrivateFiles.CreateFolder(cache.Root);
            var probe = Path.Combine(cache.Root, $".tmp-probe-{Environment.ProcessId}");
            using (PrivateFiles.CreateNew(probe)) { }
            File.Delete(probe);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warn($"cannot use the cache folder '{cache.Root}' ({e.Message.TrimEnd('.')}); running without the cache.");
            return false;
        }
    }

    /// <summary>Removes entries unused for <paramref name="hours"/>, on a task of its own; never throws.</summary>
    public static Task SweepAsync(ObjectCache cache, double hours, ILog log) => Task.Run(() =>
    {
        try
        {
            int removed = cache.Sweep(DateTime.UtcNow);
            if (removed > 0) log.Debug($"cache sweep removed {removed} entries unused for {hours} hours");
        }
        catch (Exception e) { log.Debug($"cache sweep failed: {e.Message}"); }
    });
}
