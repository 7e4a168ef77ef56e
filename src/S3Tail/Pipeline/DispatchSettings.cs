using Akka.Actor;
using S3Tail.Cache;
using S3Tail.Logging;

namespace S3Tail.Pipeline;

/// <summary>
/// What a run's <see cref="DispatcherActor"/> is made with: where outcomes go, the prefetch window
/// it owns, this machine's downloaders (as many as the window can ever hold), and the workers,
/// if the run is spread over some.
/// </summary>
internal sealed record DispatchSettings(IActorRef Sequencer, PrefetchController Prefetch, ILog Log)
{
    /// <summary>This machine's downloaders (null: none, as in specs of workers alone).</summary>
    public Props? Downloader { get; init; }

    /// <summary>How many downloaders: by default as many as the window can ever hold.</summary>
    public int Downloaders { get; init; } = Prefetch.Ceiling;

    /// <summary>Workers the run is spread over as well (null: this machine alone).</summary>
    public IRemoteFetchers? Workers { get; init; }

    /// <summary>The run's --grep, which workers apply before sending lines back.</summary>
    public Filtering.GrepSpec? Filter { get; init; }

    /// <summary>How the run cuts objects into lines, which workers do the same way.</summary>
    public Decoding.DecodeOptions Decoding { get; init; } = S3Tail.Decoding.DecodeOptions.Default;

    /// <summary>Where a worker's large objects are put together (needed with workers).</summary>
    public SpoolFolder? Spool { get; init; }

    /// <summary>Who hears what each fetched (<see cref="FetchTally"/>) in a run over workers: the coordinator.</summary>
    public IActorRef? TallyTo { get; init; }

    /// <summary>The run's stop switch: once set, nothing more is given out and no downloader is replaced.</summary>
    public CancellationToken Stopping { get; init; }
}
