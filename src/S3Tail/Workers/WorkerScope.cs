using S3Tail.Storage;

namespace S3Tail.Workers;

/// <summary>
/// What a run may make a worker read, as its operator bounds it: <c>--allow s3://BUCKET[/PREFIX],…</c>
/// (none: any bucket its credentials reach) and <c>--allow-endpoint URL,…</c> (S3-compatible
/// servers besides AWS S3 itself; none: AWS S3 only, or whatever endpoint the worker's own
/// environment names). A run holding the secret chooses bucket, key, endpoint, region and profile
/// name; without a bound on endpoints it could make the worker send signed GETs to any host its
/// network reaches and hand back the answers. Checked when a run asks to join (the run's prefix)
/// and again on every object (its key), since whoever holds the secret can send any work.
/// </summary>
internal sealed record WorkerScope(IReadOnlyList<SourceUri> Locations, IReadOnlyList<string> Endpoints)
{
    /// <summary>Any bucket; AWS S3 only.</summary>
    public static readonly WorkerScope Default = new([], []);

    /// <summary>The scope from the worker's options (comma-separated lists; null: not given). Bad entries are usage errors.</summary>
    public static WorkerScope Parse(string? allow, string? allowEndpoints)
    {
        var locations = new List<SourceUri>();
        foreach (var item in Split(allow, "--allow"))
        {
            if (!item.StartsWith("s3://", StringComparison.OrdinalIgnoreCase))
                throw S3TailException.Usage($"--allow takes s3://BUCKET[/PREFIX][,…]; got '{item}'.");
            locations.Add(SourceUri.Parse(item));
        }
        var endpoints = new List<string>();
        foreach (var item in Split(allowEndpoints, "--allow-endpoint"))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
                throw S3TailException.Usage($"--allow-endpoint takes http(s)://HOST[:PORT][,…]; got '{item}'.");
            endpoints.Add(Normal(uri));
        }
        return new WorkerScope(locations, endpoints);
    }

    private static IEnumerable<string> Split(string? list, string option)
    {
        if (list is null) return [];
        var items = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw S3TailException.Usage($"{option} was given no value.");
        return items;
    }

    /// <summary>Why this worker will not read <paramref name="keyOrPrefix"/> of <paramref name="source"/>, or null when it will.</summary>
    public string? RefusalOf(SourceSpec source, string keyOrPrefix)
    {
        // The SDK builds AWS host names from the region: only a region name may go there.
        if (source.Region is { } region && !S3Settings.IsRegionName(region))
            return $"'{region}' is not an AWS region name";
        if (source.Endpoint is { } endpoint)
        {
            string normal = Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) ? Normal(uri) : endpoint.Trim().ToLowerInvariant();
            if (!Endpoints.Contains(normal, StringComparer.Ordinal))
                return Endpoints.Count == 0
                    ? $"it reads from AWS S3 only, not from the endpoint {endpoint} (start it with --allow-endpoint {normal})"
                    : $"it reads from {string.Join(", ", Endpoints)} and AWS S3 only, not from the endpoint {endpoint} (--allow-endpoint)";
        }
        if (Locations.Count > 0 && !Locations.Any(l => l.Bucket == source.Bucket && Within(keyOrPrefix, l.Prefix)))
            return $"it may read only {string.Join(", ", Locations.Select(l => $"s3://{l.Bucket}/{l.Prefix}"))} (--allow), not s3://{source.Bucket}/{keyOrPrefix}";
        return null;
    }

    /// <summary>
    /// Whether <paramref name="keyOrPrefix"/> lies under the allowed <paramref name="prefix"/>. A
    /// prefix is a folder whether or not it ends in '/': <c>logs</c> allows <c>logs/…</c>, not
    /// <c>logs-other/…</c>. A key with a '.' or '..' segment is never within a bound: AWS S3 takes
    /// keys literally, but a server or proxy behind an allowed endpoint may resolve them elsewhere.
    /// </summary>
    internal static bool Within(string keyOrPrefix, string prefix)
    {
        if (keyOrPrefix.Split('/').Any(segment => segment is "." or "..")) return false;
        if (prefix.Length == 0) return true;
        string folder = prefix.EndsWith('/') ? prefix : prefix + "/";
        return keyOrPrefix == prefix.TrimEnd('/') || keyOrPrefix.StartsWith(folder, StringComparison.Ordinal);
    }

    /// <summary>An endpoint as compared: scheme, host and port (lower case, the default port left out) and any path, without a trailing '/'.</summary>
    private static string Normal(Uri uri) =>
        new UriBuilder(uri.Scheme, uri.Host, uri.IsDefaultPort ? -1 : uri.Port, uri.AbsolutePath).Uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
