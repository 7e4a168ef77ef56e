using System.CommandLine;
using System.CommandLine.Parsing;
using S3Tail.Cli.Config;
using S3Tail.Bookmarks;

namespace S3Tail.Cli;

/// <summary>The command line: options, their descriptions, and the action that calls <see cref="TailCommand"/>.</summary>
internal static class CliCommand
{
    public static readonly Argument<string> Uri = new("URI")
    {
        Description = "[s3://]BUCKET[/PREFIX], or a local folder: file://DIR[/PREFIX], ./PATH, ../PATH, /PATH",
    };

    public static readonly Option<string?> ConfigFile = new("--config-file", "-c")
    { Description = "Config file (default ~/.s3tailrc)", HelpName = "PATH" };

    public static readonly Option<string?> Region = new("--region", "-r") { Description = "AWS region", HelpName = "REGION" };

    public static readonly Option<string?> Profile = new("--profile") { Description = "AWS shared-config profile", HelpName = "NAME" };

    public static readonly Option<string?> EndpointUrl = new("--endpoint-url")
    { Description = "S3-compatible endpoint (MinIO, R2, Ceph, a local server); path-style addressing", HelpName = "URL" };

    public static readonly Option<bool> RequestPayer = new("--request-payer")
    {
        Description = "Pay for reading a requester-pays bucket: every listing and GET says x-amz-request-payer: requester ('--request-payer requester', as the AWS CLI writes it, works too)",
    };

    /// <summary>
    /// The arguments with the AWS CLI's value of --request-payer ("requester", its only one)
    /// dropped: s3tail's is a flag, and a URI after it must stay the URI.
    /// </summary>
    public static string[] WithoutRequestPayerValue(string[] args)
    {
        var kept = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--") { kept.AddRange(args[i..]); break; }
            kept.Add(args[i]);
            if (args[i] == "--request-payer" && i + 1 < args.Length && args[i + 1] == "requester") i++;
        }
        return [.. kept];
    }

    public static readonly Option<string?> Bookmark = new("--bookmark", "-b")
    { Description = "KEY:LINE to resume after, or the NAME of a bookmark kept in the config file", HelpName = "TEXT" };

    public static readonly Option<int?> Prefetch = new("--prefetch", "-p")
    {
        Description = "Objects fetched ahead of the one being written: auto (adapts to latency, backs off when throttled), or N (1 = sequential) (default auto)",
        HelpName = "auto|N",
        CustomParser = r => Checked(r, s => ConfigOptions.Values.Prefetch(s)),
    };

    public static readonly Option<string?> LogLevel = new("--log-level", "-l")
    { Description = "debug, info, warning (warn), error, critical (default warning)", HelpName = "LEVEL" };

    public static readonly Option<string?> LogFile = new("--log-file")
    { Description = "Write the tool's own log to FILE (content always goes to stdout)", HelpName = "FILE" };

    public static readonly Option<double?> CacheHours = new("--cache-hours")
    {
        Description = "Keep cached objects N hours after last use; 0 disables the cache (default 24)",
        HelpName = "N",
        CustomParser = r => Checked(r, s => ConfigOptions.Values.CacheHours(s)),
    };

    public static readonly Option<double?> Timeout = new("--timeout")
    {
        Description = "Seconds a request may make no progress before it is retried (default 30)",
        HelpName = "SECONDS",
        CustomParser = r => Checked(r, s => ConfigOptions.Values.TimeoutSeconds(s)),
    };

    public static readonly Option<string?> CachePath = new("--cache-path")
    { Description = "Cache folder (default ~/.s3tailcache)", HelpName = "DIR" };

    public static readonly Option<string?> Since = new("--since")
    {
        Description = "Only objects whose key time is at or after T: 2016-09-11, 2016-09-11T14:30, 2016-09-11T16:30+02:00 (UTC unless an offset is given), or a duration before now: 90m, 1h30m, 2d",
        HelpName = "T",
    };

    public static readonly Option<string?> Until = new("--until")
    { Description = "Only objects whose key time is before T (same forms as --since)", HelpName = "T" };

    public static readonly Option<bool> Follow = new("--follow", "-f")
    { Description = "After the last object, keep polling for new ones (and late ones) until stopped" };

    public static readonly Option<string?> Poll = new("--poll")
    { Description = "Follow mode: time between listings, e.g. 30s, 1m (default 30s; at least 1s)", HelpName = "DURATION" };

    public static readonly Option<string?> LookBack = new("--look-back")
    { Description = "Follow mode: how far back in key time each poll looks for late objects (default 1h)", HelpName = "DURATION" };

    public static readonly Option<string[]> Grep = new("--grep", "-e")
    {
        Description = "Keep only lines matching PATTERN, a .NET regular expression (repeatable: lines matching any)",
        HelpName = "PATTERN",
        AllowMultipleArgumentsPerToken = false,
    };

    public static readonly Option<bool> FixedStrings = new("--fixed-strings", "-F") { Description = "--grep patterns are plain strings" };

    public static readonly Option<bool> IgnoreCase = new("--ignore-case", "-i") { Description = "--grep ignores case" };

    public static readonly Option<bool> InvertMatch = new("--invert-match", "-v")
    { Description = "Keep the lines matching none of the --grep patterns" };

    public static readonly Option<long?> MaxCount = new("--max-count", "-m")
    {
        Description = "End after N lines written (kept lines, with --grep); the bookmark is the Nth",
        HelpName = "N",
        CustomParser = r => Checked(r, s => long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long n)
            ? n : throw S3TailException.Usage($"--max-count '{s}' is not a whole number of lines.")),
    };

    public static readonly Option<string?> Format = new("--format")
    {
        Description = "How objects become lines: auto (told from each object: Parquet rows and JSON records one a line, else lines), " +
                      "lines (the bytes as they are), records (JSON documents), parquet (Parquet rows)",
        HelpName = "auto|lines|records|parquet",
    };

    public static readonly Option<bool> RecordsWithParent = new("--records-with-parent")
    { Description = "Each JSON record also gets its document's scalar members (messageType, owner, logGroup, fileVersion...)" };

    public static readonly Option<bool> ParquetText = new("--parquet-text")
    { Description = "Parquet rows as their values separated by spaces, '-' for null (the text VPC flow log layout), not JSON" };

    public static readonly Option<bool> CacheLookup = new("--cache-lookup")
    { Description = "For each key under URI, print whether it is cached; download nothing" };

    public static readonly Option<bool> SkipErrors = new("--skip-errors")
    { Description = "Warn about an object that cannot be read and go on with the next" };

    public static readonly Option<bool> Quiet = new("--quiet", "-q") { Description = "Do not print the final bookmark line" };

    public static readonly Option<bool> Progress = new("--progress")
    { Description = "Show a status line on stderr even when it is not a terminal" };

    public static readonly Option<bool> NoProgress = new("--no-progress")
    { Description = "Never show the status line (shown by default when stderr is a terminal)" };

    public static readonly Option<string?> Workers = new("--workers")
    { Description = "Spread the fetching over these workers (s3tail worker) as well as this machine", HelpName = "HOST:PORT[,HOST:PORT...]" };

    public static readonly Option<string?> SecretFile = new("--secret-file")
    { Description = "The file holding the workers' shared secret (or set S3TAIL_CLUSTER_SECRET)", HelpName = "FILE" };

    public static readonly Option<string?> Listen = new("--listen")
    { Description = $"Where this worker listens (default {S3Tail.Workers.NodeConfig.DefaultWorkerAddress}; loopback unless told otherwise)", HelpName = "HOST:PORT" };

    public static readonly Option<string?> Allow = new("--allow")
    {
        Description = "Read only these buckets and prefixes for a run (default: any bucket this worker's credentials reach)",
        HelpName = "s3://BUCKET[/PREFIX][,...]",
    };

    public static readonly Option<string?> AllowEndpoint = new("--allow-endpoint")
    {
        Description = "S3-compatible endpoints a run may name, besides AWS S3 (default: none)",
        HelpName = "URL[,URL...]",
    };

    public static readonly Option<string?> NewSecret = new("--new-secret")
    { Description = "Write a new random secret (256 bits) to FILE, readable by its owner only, and exit; never overwrites", HelpName = "FILE" };

    public static RootCommand Build(CliHost host)
    {
        var root = new RootCommand(
            "Reads the log objects under an S3 prefix (or a local folder) as one stream, in key order, " +
            "and remembers exactly where it stopped.")
        {
            Uri, ConfigFile, Region, Profile, EndpointUrl, RequestPayer, Bookmark, Since, Until, Follow, Poll, LookBack, Grep, FixedStrings, IgnoreCase, InvertMatch, MaxCount,
            Format, RecordsWithParent, ParquetText, Prefetch, LogLevel, LogFile,
            CacheHours, CachePath, CacheLookup, SkipErrors, Timeout, Quiet, Progress, NoProgress, Workers, SecretFile,
        };
        var worker = new Command("worker", "Serve runs started elsewhere with --workers: fetch and decode objects for them")
        {
            Listen, SecretFile, Allow, AllowEndpoint, NewSecret, LogLevel, CacheHours, CachePath,
        };
        worker.SetAction(async (parse, cancellationToken) =>
            (int)await WorkerCommand.RunAsync(parse.GetValue(Listen), parse.GetValue(SecretFile), parse.GetValue(LogLevel),
                parse.GetValue(CacheHours), parse.GetValue(CachePath), host, cancellationToken,
                parse.GetValue(Allow), parse.GetValue(AllowEndpoint), parse.GetValue(NewSecret)));
        root.Subcommands.Add(worker);
        root.SetAction(async (parse, cancellationToken) => (int)await TailCommand.RunAsync(Read(parse), host, cancellationToken));
        return root;
    }

    /// <summary>Parses a value with the same check the config file gets, reporting one plain sentence.</summary>
    private static T? Checked<T>(ArgumentResult result, Func<string, T> parse) where T : struct
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        try
        {
            return parse(text);
        }
        catch (S3TailException e)
        {
            result.AddError(e.Message);
            return null;
        }
    }

    public static CliSettings Read(ParseResult p) => new(
        p.GetValue(Uri)!, p.GetValue(ConfigFile), p.GetValue(Region), p.GetValue(Profile), p.GetValue(EndpointUrl),
        p.GetValue(Bookmark), p.GetValue(Prefetch), p.GetValue(LogLevel), p.GetValue(LogFile), p.GetValue(CacheHours),
        p.GetValue(CachePath), p.GetValue(CacheLookup), p.GetValue(SkipErrors), p.GetValue(Quiet),
        p.GetValue(NoProgress) ? false : p.GetValue(Progress) ? true : null, p.GetValue(Timeout),
        p.GetValue(Since), p.GetValue(Until), p.GetValue(Follow), p.GetValue(Poll), p.GetValue(LookBack),
        p.GetValue(Grep), p.GetValue(FixedStrings), p.GetValue(IgnoreCase), p.GetValue(InvertMatch), p.GetValue(MaxCount),
        p.GetValue(Workers), p.GetValue(SecretFile), p.GetValue(RequestPayer), p.GetValue(Format), p.GetValue(RecordsWithParent), p.GetValue(ParquetText));
}
