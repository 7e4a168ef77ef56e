namespace S3Tail.Tests.Support;

/// <summary>
/// Classes whose specs assert a tight time bound (a stop within one second) run after the
/// parallel classes, on their own: the bound is about s3tail, not about a busy neighbour.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "alone";
}
