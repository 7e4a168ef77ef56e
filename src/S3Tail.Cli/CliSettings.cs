using S3Tail.Cli.Config;
using S3Tail.Bookmarks;

namespace S3Tail.Cli;

/// <summary>What the command line said, typed; null where it said nothing (config or default applies).</summary>
internal sealed record CliSettings(
    string Uri,
    string? ConfigFile = null,
    string? Region = null,
    string? Profile = null,
    string? EndpointUrl = null,
    string? Bookmark = null,
    int? Prefetch = null,
    string? LogLevel = null,
    string? LogFile = null,
    double? CacheHours = null,
    string? CachePath = null,
    bool CacheLookup = false,
    bool SkipErrors = false,
    bool Quiet = false,
    bool? Progress = null,
    double? TimeoutSeconds = null,
    string? Since = null,
    string? Until = null,
    bool Follow = false,
    string? Poll = null,
    string? LookBack = null,
    string[]? Grep = null,
    bool FixedStrings = false,
    bool IgnoreCase = false,
    bool InvertMatch = false,
    long? MaxCount = null,
    string? Workers = null,
    string? SecretFile = null,
    bool RequestPayer = false,
    string? Format = null,
    bool RecordsWithParent = false,
    bool ParquetText = false);
