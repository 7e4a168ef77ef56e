using S3Tail.Bookmarks;
using S3Tail.Logging;
using S3Tail.Storage;
using S3Tail.Windowing;
using S3Tail.Filtering;
using S3Tail.Decoding;
using S3Tail.Cli.Bookmarks;
using S3Tail.Cli.Config;

namespace S3Tail.Cli;

/// <summary>
/// The settings of one run after merging: the command line beats the config file's [options],
/// which beats the built-in defaults. Everything is checked here, before any work starts.
/// </summary>
internal sealed record RunSettings(
    SourceUri Source,
    Bookmark? Bookmark,
    string? BookmarkName,
    string ConfigPath,
    IniDocument Config,
    S3Settings S3,
    int Prefetch,
    LogLevel LogLevel,
    string? LogFile,
    double CacheHours,
    string CachePath,
    bool CacheLookup,
    bool SkipErrors,
    bool Quiet,
    IReadOnlyList<string> Warnings,
    TimeSpan StallTimeout,
    TimeWindow? Window,
    FollowSettings? Follow,
    LineFilter? Filter,
    long? MaxLines,
    IReadOnlyList<string>? Workers = null,
    string? ClusterSecret = null,
    DecodeOptions? Decoding = null)
{
    public const double DefaultCacheHours = 24;

    /// <summary>Where the cache is kept unless told otherwise (a run's and a worker's alike).</summary>
    public static string DefaultCachePath(string home) => Path.Combine(home, ".s3tailcache");

    /// <summary>How requests are retried, with the run's stall timeout.</summary>
    public RetryPolicy Retry => RetryPolicy.Default with { Stall = StallTimeout };

    public static RunSettings From(CliSettings cli, CliHost host)
    {
        string configPath = cli.ConfigFile is { } c ? host.ExpandHome(c) : ConfigFile.DefaultPath(host.Home);
        var config = ConfigFile.Load(configPath);
        var options = ConfigOptions.From(config, configPath, out var unknown, host.ExpandHome);
        var warnings = unknown.Select(k => $"config file '{configPath}': unknown key '{k}' in [options] is ignored.").ToList();

        // Values from the config file were checked (naming its line) as it was read; the command
        // line's by the parser. What is left is to pick.
        var level = LogLevels.Parse(cli.LogLevel ?? options.LogLevel ?? "warning");
        int prefetch = cli.Prefetch ?? options.Prefetch ?? TailRequest.DefaultPrefetch;
        double cacheHours = cli.CacheHours ?? options.CacheHours ?? DefaultCacheHours;
        double timeout = cli.TimeoutSeconds ?? options.TimeoutSeconds ?? RetryPolicy.DefaultStallTimeout.TotalSeconds;
        if (cli.Region is { } r && !ConfigOptions.Values.IsRegion(r))
            throw S3TailException.Usage($"--region '{r}' is not an AWS region name (like us-west-2).");

        var window = TimeWindow.Parse(cli.Since, cli.Until, DateTimeOffset.UtcNow);
        var follow = FollowSettings.From(cli, options);
        var filter = FilterFrom(cli);
        var source = SourceUri.Parse(cli.Uri);
        if (cli.Workers is not null && source.IsLocal)
            throw S3TailException.Usage("--workers reads S3 only: a local folder is on this machine alone.");
        var (bookmark, name) = ResolveBookmark(cli.Bookmark, config, configPath);
        if (name is not null && bookmark is not null)
        {
            source = source with { Prefix = PrefixWidening.For(source.Prefix, bookmark, name, out var widened) };
            if (widened is not null) warnings.Add(widened);
        }

        return new RunSettings(
            source, bookmark, name, configPath, config,
            new S3Settings(cli.Region ?? options.Region, cli.Profile ?? options.Profile, cli.EndpointUrl ?? options.EndpointUrl,
                cli.RequestPayer || options.RequesterPays),
            prefetch, level,
            cli.LogFile is { } lf ? lf : options.LogFile,
            cacheHours,
            cli.CachePath ?? options.CachePath ?? DefaultCachePath(host.Home),
            cli.CacheLookup, cli.SkipErrors, cli.Quiet, warnings, TimeSpan.FromSeconds(timeout), window, follow, filter, cli.MaxCount,
            WorkersFrom(cli), cli.Workers is null ? null : Cli.ClusterSecret.Read(cli.SecretFile, host.Variables), DecodingFrom(cli));
    }

    /// <summary>--format, --records-with-parent and --parquet-text; the latter two mean nothing when objects are read as lines.</summary>
    private static DecodeOptions DecodingFrom(CliSettings cli)
    {
        var format = cli.Format switch
        {
            null or "auto" => ObjectFormat.Auto,
            "lines" => ObjectFormat.Lines,
            "records" => ObjectFormat.Records,
            "parquet" => ObjectFormat.Parquet,
            var other => throw S3TailException.Usage($"--format takes auto, lines, records or parquet; got '{other}'."),
        };
        if (cli.RecordsWithParent && format is ObjectFormat.Lines or ObjectFormat.Parquet)
            throw S3TailException.Usage($"--records-with-parent and --format {cli.Format} cannot be combined: it applies to JSON records.");
        if (cli.ParquetText && format is ObjectFormat.Lines or ObjectFormat.Records)
            throw S3TailException.Usage($"--parquet-text and --format {cli.Format} cannot be combined: it applies to Parquet rows.");
        return new DecodeOptions(format, cli.RecordsWithParent, cli.ParquetText);
    }

    /// <summary>--workers HOST:PORT[,HOST:PORT…], each a host and a port.</summary>
    private static IReadOnlyList<string>? WorkersFrom(CliSettings cli)
    {
        if (cli.Workers is null) return null;
        var addresses = cli.Workers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var a in addresses)
            if (a.LastIndexOf(':') is var colon and > 0 && int.TryParse(a[(colon + 1)..], out int port) && port is > 0 and < 65536) continue;
            else throw S3TailException.Usage($"--workers takes HOST:PORT[,HOST:PORT...]; got '{a}'.");
        if (addresses.Length == 0) throw S3TailException.Usage("--workers takes HOST:PORT[,HOST:PORT...]; got nothing.");
        if (cli.Follow) throw S3TailException.Usage("--workers and --follow cannot be combined: a followed prefix gains a few objects at a time, which this machine fetches alone.");
        return addresses;
    }

    /// <summary>--grep and its modifiers; -F, -i or -v without a pattern is bad usage.</summary>
    private static LineFilter? FilterFrom(CliSettings cli)
    {
        if (cli.Grep is not { Length: > 0 } patterns)
        {
            string? lone = cli.FixedStrings ? "--fixed-strings (-F)" : cli.IgnoreCase ? "--ignore-case (-i)" : cli.InvertMatch ? "--invert-match (-v)" : null;
            if (lone is not null) throw S3TailException.Usage($"{lone} only applies with --grep (-e PATTERN).");
            return null;
        }
        if (cli.CacheLookup) throw S3TailException.Usage("--grep and --cache-lookup cannot be combined: --cache-lookup reads no lines.");
        return GrepFilter.Create(patterns, cli.FixedStrings, cli.IgnoreCase, cli.InvertMatch);
    }

    /// <summary>
    /// <c>-b KEY:LINE</c> is a position; <c>-b NAME</c> (no colon) names a bookmark in the config
    /// file, which starts from the beginning when it is not saved yet.
    /// </summary>
    private static (Bookmark? Bookmark, string? Name) ResolveBookmark(string? text, IniDocument config, string configPath)
    {
        if (text is null) return (null, null);
        if (text.Contains(':')) return (Bookmark.Parse(text), null);
        if (!NamedBookmarks.IsValidName(text))
            throw S3TailException.Usage($"'{text}' is neither KEY:LINE nor a bookmark name (a name has no spaces, '=', '[', ']', '#' or ';').");
        return (NamedBookmarks.Find(config, text, configPath), text);
    }
}
