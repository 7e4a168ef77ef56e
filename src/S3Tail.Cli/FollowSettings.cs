using S3Tail.Following;
using S3Tail.Cli.Config;

namespace S3Tail.Cli;

/// <summary>-f, --poll and --look-back, checked.</summary>
internal sealed record FollowSettings(TimeSpan Poll, TimeSpan LookBack)
{
    /// <summary>
    /// The follow settings, or null without -f: the command line's, else the config file's
    /// (<c>poll</c>, <c>look_back</c>), else the defaults. --poll or --look-back without -f, or a
    /// bad duration, is bad usage.
    /// </summary>
    public static FollowSettings? From(CliSettings cli, ConfigOptions options)
    {
        if (!cli.Follow)
        {
            if (cli.Poll is not null || cli.LookBack is not null)
                throw S3TailException.Usage($"{(cli.Poll is not null ? "--poll" : "--look-back")} only applies with --follow (-f).");
            return null;
        }
        if (cli.CacheLookup) throw S3TailException.Usage("--follow and --cache-lookup cannot be combined: --cache-lookup only looks once.");
        var poll = (cli.Poll is { } p ? ConfigOptions.Values.Poll(p) : options.Poll) ?? FollowOptions.DefaultPoll;
        var lookBack = (cli.LookBack is { } l ? ConfigOptions.Values.LookBack(l) : options.LookBack) ?? FollowOptions.DefaultLookBack;
        return new FollowSettings(poll, lookBack);
    }
}
