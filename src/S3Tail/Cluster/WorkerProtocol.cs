namespace S3Tail.Workers;

/// <summary>
/// The version of the protocol between a run's node and its workers (the messages in
/// Workers/Messages.cs, their wire form in <see cref="ProtocolSerializer"/>). It travels first in
/// <see cref="JoinRun"/> and in the secret's certificate (<see cref="ClusterIdentity"/>), so nodes of different s3tail versions tell each
/// other apart instead of misreading each other's messages. Raise it with any change to a
/// message's wire form, to the way the secret becomes a key, or to what a worker does with work.
/// Version 1 (no number anywhere) derived the key with HKDF; version 3 added the run's decoding
/// (--format) to <see cref="Work"/>.
/// </summary>
internal static class WorkerProtocol
{
    public const int Version = 3;

    /// <summary>This s3tail's own version, for messages naming both sides.</summary>
    public static string Software { get; } =
        typeof(WorkerProtocol).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            is [System.Reflection.AssemblyInformationalVersionAttribute a, ..] ? a.InformationalVersion.Split('+')[0] : "unknown";
}
