namespace S3Tail.Workers;

/// <summary>The workers a run is spread over (host:port each), and the source as they must open it.</summary>
public sealed record WorkerSet(IReadOnlyList<string> Addresses, SourceSpec Source)
{
    /// <summary>Objects this process fetches at once beside its workers.</summary>
    public const int LocalSlots = 8;
}
