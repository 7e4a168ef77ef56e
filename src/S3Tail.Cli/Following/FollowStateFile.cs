using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using S3Tail.Cache;
using S3Tail.Interop;
using S3Tail.Following;

namespace S3Tail.Cli.Following;

/// <summary>
/// Where a named bookmark keeps its <see cref="FollowState"/>: a private file (0600, in a 0700
/// folder) under <c>$XDG_STATE_HOME/s3tail/follow</c> (default <c>~/.local/state/s3tail/follow</c>),
/// named after the bookmark and the config file that holds it. Saved whole to a temporary file
/// and renamed over, so a reader sees the old state or the new, never half of one.
/// </summary>
internal sealed class FollowStateFile(string path)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string Path { get; } = path;

    /// <summary>The state file of bookmark <paramref name="name"/> in config file <paramref name="configPath"/>.</summary>
    public static FollowStateFile For(string configPath, string name, CliHost host)
    {
        string state = host.Variables("XDG_STATE_HOME") is { Length: > 0 } xdg && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(host.Home, ".local", "state");
        string config = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(System.IO.Path.GetFullPath(configPath))))[..12];
        return new FollowStateFile(System.IO.Path.Combine(state, "s3tail", "follow", $"{name}-{config}.json"));
    }

    /// <summary>The saved state, or null when there is none yet. A file that is not one is a usage error naming it.</summary>
    public FollowState? Load()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(Path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw S3TailException.Runtime($"Cannot read the follow state '{Path}': {e.Message.TrimEnd('.')}.", e);
        }
        try
        {
            var state = JsonSerializer.Deserialize<FollowState>(bytes, Json);
            if (state?.Known is null || state.Known.Any(k => k is null || k.Key is null || k.ETag is null)) throw new JsonException("fields missing");
            return state;
        }
        catch (JsonException e)
        {
            throw S3TailException.Usage($"The follow state '{Path}' is damaged ({e.Message}); delete it to follow from the bookmark alone.");
        }
    }

    public void Save(FollowState state)
    {
        string folder = System.IO.Path.GetDirectoryName(Path)!;
        string temp = System.IO.Path.Combine(folder, $".{System.IO.Path.GetFileName(Path)}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            PrivateFiles.CreateFolder(folder);
            using (var file = PrivateFiles.CreateNew(temp, 4096))
            {
                JsonSerializer.Serialize(file, state, Json);
                file.Flush(flushToDisk: true);
            }
            File.Move(temp, Path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (Exception) { /* the save failed already; say that */ }
            throw S3TailException.Runtime($"Cannot save the follow state '{Path}': {e.Message.TrimEnd('.')}.", e);
        }
    }
}
