using S3Tail.Following;
using S3Tail.Windowing;

namespace S3Tail.Cli;

/// <summary>-f, --poll and --look-back, checked.</summary>
public sealed record FollowSettings(TimeSpan Poll, TimeSpan LookBack)
{
    /// <summary>Polling faster than this only multiplies LIST requests (and their cost).</summary>
    public static readonly TimeSpan MinPoll = TimeSpan.FromSeconds(1);

    /// <summary>The follow settings, or null without -f; --poll or --look-back without -f, or a bad duration, is bad usage.</summary>
    public static FollowSettings? From(CliSettings cli)
    {
        if (!cli.Follow)
        {
            if (cli.Poll is not null || cli.LookBack is not null)
                throw S3TailException.Usage($"{(cli.Poll is not null ? "--poll" : "--look-back")} only applies with --follow (-f).");
            return null;
        }
        if (cli.CacheLookup) throw S3TailException.Usage("--follow and --cache-lookup cannot be combined: --cache-lookup only looks once.");
        var poll = Duration("--poll", cli.Poll) ?? FollowOptions.DefaultPoll;
        if (poll < MinPoll) throw S3TailException.Usage($"--poll '{cli.Poll}' is shorter than 1s.");
        var lookBack = Duration("--look-back", cli.LookBack) ?? FollowOptions.DefaultLookBack;
        return new FollowSettings(poll, lookBack);
    }

    private static TimeSpan? Duration(string option, string? text) =>
        text is null ? null
        : TimeText.TryParseDuration(text) ?? throw S3TailException.Usage(
            $"{option} '{text}' is not a duration: a number and a unit s, m, h, d or w, combinable (30s, 5m, 1h30m).");
}
