using System.Globalization;
using S3Tail.Storage;

namespace S3Tail.Cli.Config;

/// <summary>
/// The <c>[options]</c> section: defaults that the command line overrides. Every value is
/// checked here, and a bad one is reported with the file and line it is on.
/// </summary>
internal sealed record ConfigOptions(
    double? CacheHours, string? CachePath, string? LogLevel, string? LogFile,
    string? Region, int? Prefetch, string? EndpointUrl, string? Profile, double? TimeoutSeconds = null,
    TimeSpan? Poll = null, TimeSpan? LookBack = null, bool RequesterPays = false)
{
    public const string Section = "options";

    /// <summary>The most hours --cache-hours takes (114 years: "keep").</summary>
    public const double MaxCacheHours = 1_000_000;

    /// <summary>The longest --timeout, in seconds (a day).</summary>
    public const double MaxTimeoutSeconds = 86_400;

    private static readonly string[] Known =
        ["cache_hours", "cache_path", "log_level", "log_file", "region", "prefetch", "endpoint_url", "profile", "timeout", "poll", "look_back", "request_payer"];

    /// <summary>Reads and checks the section; unknown keys are returned for a warning.</summary>
    public static ConfigOptions From(IniDocument doc, string fileName, out IReadOnlyList<string> unknownKeys, Func<string, string> expandHome)
    {
        unknownKeys = doc.Entries(Section).Select(e => e.Key)
            .Where(k => !Known.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();

        string? Text(string key) => doc.Find(Section, key) is { Value.Length: > 0 } v ? v.Value : null;
        string Where(string key) => $"Config file '{fileName}' line {doc.Find(Section, key)!.Value.LineNumber}: {key}";

        T? Check<T>(string key, Func<string, string, T> parse) where T : struct =>
            Text(key) is { } text ? parse(text, Where(key)) : null;

        string? level = Text("log_level");
        if (level is not null && !Logging.LogLevels.TryParse(level, out _))
            throw S3TailException.Usage($"{Where("log_level")} = '{level}' is not a log level: use one of {Logging.LogLevels.Names}.");
        string? region = Text("region");
        if (region is not null && !Values.IsRegion(region))
            throw S3TailException.Usage($"{Where("region")} = '{region}' is not an AWS region name (like us-west-2).");

        // As the AWS CLI's --request-payer: its one value is "requester".
        string? payer = Text("request_payer");
        if (payer is not null && payer != "requester")
            throw S3TailException.Usage($"{Where("request_payer")} = '{payer}': the only value is requester (for a requester-pays bucket).");

        return new ConfigOptions(
            Check<double>("cache_hours", Values.CacheHours),
            Text("cache_path") is { } p ? expandHome(p) : null,
            level,
            Text("log_file") is { } f ? expandHome(f) : null,
            region,
            Check<int>("prefetch", Values.Prefetch),
            Text("endpoint_url"),
            Text("profile"),
            Check<double>("timeout", Values.TimeoutSeconds),
            Check<TimeSpan>("poll", Values.Poll),
            Check<TimeSpan>("look_back", Values.LookBack),
            payer is not null);
    }

    /// <summary>
    /// The checks a value gets whether it comes from the command line or the config file;
    /// <c>where</c> names it in the message (<c>--prefetch</c>, or a file and line).
    /// </summary>
    public static class Values
    {
        /// <summary>A number from 1 to 1024, or <c>auto</c> (<see cref="TailRequest.AutoPrefetch"/>).</summary>
        public static int Prefetch(string text, string? where = null)
        {
            if (text.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase)) return TailRequest.AutoPrefetch;
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n is >= 1 and <= TailRequest.MaxPrefetch) return n;
            throw S3TailException.Usage($"{where ?? "--prefetch"} takes auto or a whole number from 1 to {TailRequest.MaxPrefetch}; got '{text}'.");
        }

        public static double CacheHours(string text, string? where = null)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double h) && h is >= 0 and <= MaxCacheHours) return h;
            throw S3TailException.Usage($"{where ?? "--cache-hours"} takes a number of hours from 0 (no cache) to {MaxCacheHours:0}; got '{text}'.");
        }

        public static double TimeoutSeconds(string text, string? where = null)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s is >= 0.1 and <= MaxTimeoutSeconds) return s;
            throw S3TailException.Usage($"{where ?? "--timeout"} takes a number of seconds from 0.1 to {MaxTimeoutSeconds:0}; got '{text}'.");
        }

        /// <summary>Follow mode's time between listings: a duration (30s, 5m) of at least a second.</summary>
        public static TimeSpan Poll(string text, string? where = null)
        {
            var poll = Duration(text, where ?? "--poll");
            if (poll < TimeSpan.FromSeconds(1)) throw S3TailException.Usage($"{where ?? "--poll"} '{text}' is shorter than 1s.");
            return poll;
        }

        /// <summary>Follow mode's look-back window in key time: a duration (1h, 25h, 0s for none).</summary>
        public static TimeSpan LookBack(string text, string? where = null) => Duration(text, where ?? "--look-back");

        private static TimeSpan Duration(string text, string where) =>
            Windowing.TimeText.TryParseDuration(text) ?? throw S3TailException.Usage(
                $"{where} '{text}' is not a duration: a number and a unit s, m, h, d or w, combinable (30s, 5m, 1h30m).");

        /// <summary>AWS region names are lower-case words and numbers joined by dashes (us-west-2, us-gov-east-1).</summary>
        public static bool IsRegion(string text) => S3Settings.IsRegionName(text);
    }
}
