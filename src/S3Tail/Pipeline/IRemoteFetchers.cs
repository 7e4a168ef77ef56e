using Akka.Actor;

namespace S3Tail.Pipeline;

/// <summary>
/// Fetchers on other machines that a run spreads its objects over (the request's <c>WorkerSet</c>,
/// which the engine turns into the Workers folder's <c>WorkerFetchers</c>), as the pipeline sees them: they pull from the run's dispatcher with
/// <see cref="WantWork"/> and answer with <see cref="WorkChunk"/>s or <see cref="WorkFailed"/>,
/// like this machine's downloaders pull and answer. The pipeline knows nothing else of them.
/// </summary>
internal interface IRemoteFetchers
{
    /// <summary>
    /// The actor that reaches them, made by the run's coordinator. It tells
    /// <paramref name="dispatcher"/> <see cref="WorkersChecked"/> once no worker can refuse the
    /// run any more (nothing is given out before), <see cref="WorkerLost"/> or
    /// <see cref="AllWorkersLost"/> as they go, and forwards what the workers send; a worker that
    /// refuses the run is a <see cref="FailRun"/> to <paramref name="coordinator"/>.
    /// </summary>
    Props Gateway(IActorRef dispatcher, IActorRef coordinator, TailRequest request);

    /// <summary>
    /// The message a worker is sent to fetch <paramref name="fetch"/>, decode it as
    /// <paramref name="decoding"/> says, and filter it with <paramref name="filter"/>, if any.
    /// </summary>
    object WorkFor(FetchObject fetch, Filtering.GrepSpec? filter, Decoding.DecodeOptions decoding);

    /// <summary>The workers (HOST:PORT), in the order the run's summary names them; the dispatcher counts what each fetched.</summary>
    IReadOnlyList<string> Addresses { get; }
}
