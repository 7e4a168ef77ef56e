using S3Tail.Bookmarks;
using S3Tail.Config;
using S3Tail.Logging;
using S3Tail.Storage;

namespace S3Tail.Cli;

/// <summary>
/// The settings of one run after merging: the command line beats the config file's [options],
/// which beats the built-in defaults. Everything is checked here, before any work starts.
/// </summary>
public sealed record RunSettings(
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
    IReadOnlyList<string> Warnings)
{
    public const double DefaultCacheHours = 24;

    public static RunSettings From(CliSettings cli)
    {
        string configPath = cli.ConfigFile is { } c ? ConfigOptions.ExpandHome(c) : ConfigFile.DefaultPath;
        var config = ConfigFile.Load(configPath);
        var options = ConfigOptions.From(config, configPath, out var unknown);
        var warnings = unknown.Select(k => $"config file '{configPath}': unknown key '{k}' in [options] is ignored.").ToList();

        var level = LogLevels.Parse(cli.LogLevel ?? options.LogLevel ?? "warning");
        int prefetch = cli.Prefetch ?? options.Prefetch ?? TailRequest.DefaultPrefetch;
        if (prefetch is < 1 or > TailRequest.MaxPrefetch)
            throw S3TailException.Usage($"--prefetch must be a whole number from 1 to {TailRequest.MaxPrefetch}; got {prefetch}.");
        double cacheHours = cli.CacheHours ?? options.CacheHours ?? DefaultCacheHours;
        if (cacheHours < 0 || double.IsNaN(cacheHours) || double.IsInfinity(cacheHours))
            throw S3TailException.Usage($"--cache-hours must be 0 (no cache) or more; got {cacheHours}.");

        var source = SourceUri.Parse(cli.Uri);
        var (bookmark, name) = ResolveBookmark(cli.Bookmark, config, configPath);
        if (name is not null && bookmark is not null)
        {
            source = source with { Prefix = PrefixWidening.For(source.Prefix, bookmark, name, out var widened) };
            if (widened is not null) warnings.Add(widened);
        }

        return new RunSettings(
            source, bookmark, name, configPath, config,
            new S3Settings(cli.Region ?? options.Region, cli.Profile ?? options.Profile, cli.EndpointUrl ?? options.EndpointUrl),
            prefetch, level,
            cli.LogFile is { } lf ? lf : options.LogFile,
            cacheHours,
            cli.CachePath ?? options.CachePath ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".s3tailcache"),
            cli.CacheLookup, cli.SkipErrors, cli.Quiet, warnings);
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
