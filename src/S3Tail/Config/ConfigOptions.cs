using System.Globalization;

namespace S3Tail.Config;

/// <summary>The <c>[options]</c> section: defaults that the command line overrides.</summary>
public sealed record ConfigOptions(
    double? CacheHours, string? CachePath, string? LogLevel, string? LogFile,
    string? Region, int? Prefetch, string? EndpointUrl, string? Profile)
{
    public const string Section = "options";

    private static readonly string[] Known =
        ["cache_hours", "cache_path", "log_level", "log_file", "region", "prefetch", "endpoint_url", "profile"];

    /// <summary>Reads and checks the section; unknown keys are returned for a warning.</summary>
    public static ConfigOptions From(IniDocument doc, string fileName, out IReadOnlyList<string> unknownKeys)
    {
        unknownKeys = doc.Entries(Section).Select(e => e.Key)
            .Where(k => !Known.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
        string? Text(string key) => doc.Get(Section, key) is { Length: > 0 } v ? v : null;
        return new ConfigOptions(
            Number(Text("cache_hours"), "cache_hours", fileName, s => double.Parse(s, CultureInfo.InvariantCulture)),
            Text("cache_path") is { } p ? ExpandHome(p) : null,
            Text("log_level"),
            Text("log_file") is { } f ? ExpandHome(f) : null,
            Text("region"),
            Number(Text("prefetch"), "prefetch", fileName, s => int.Parse(s, CultureInfo.InvariantCulture)),
            Text("endpoint_url"),
            Text("profile"));
    }

    private static T? Number<T>(string? text, string key, string fileName, Func<string, T> parse) where T : struct
    {
        if (text is null) return null;
        try { return parse(text); }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw S3TailException.Usage($"Config file '{fileName}': [options] {key} = '{text}' is not a number.");
        }
    }

    public static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/")
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + path[1..]
            : path;
}
