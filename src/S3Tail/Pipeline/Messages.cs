using Akka.Actor;
using S3Tail.Decoding;
using S3Tail.Storage;
using S3Tail.Contents;

namespace S3Tail.Pipeline;

// The pipeline's protocol. Sequence numbers (Seq) count listed objects from 0 in key order; the
// sequencer releases them strictly in that order. Messages carry file references and batches of
// lines, never single lines or whole objects.

/// <summary>
/// How an object joins the output: <see cref="SkipLines"/> of its lines were written before
/// (the bookmark's object, or a late object a follow stopped in), and whether it is
/// <see cref="Late"/> — found by a follow after objects sorting later were written, so it does
/// not move the key-order bookmark.
/// </summary>
internal readonly record struct Placement(long SkipLines = 0, bool Late = false);

/// <summary>Lister → dispatcher → a downloader (a worker gets it as <c>Workers.Work</c>): fetch this object.</summary>
internal sealed record FetchObject(long Seq, ObjectInfo Object, Placement Placement = default);

/// <summary>Downloader → sequencer: the object's decoded bytes wait in <see cref="Content"/>.</summary>
internal sealed record ObjectFetched(long Seq, ObjectInfo Object, ObjectContent Content, Placement Placement = default);

/// <summary>Downloader → sequencer: the object could not be fetched (after retries).</summary>
internal sealed record FetchFailed(long Seq, ObjectInfo Object, Exception Reason, Placement Placement = default);

/// <summary>Lister → sequencer: the listing ended; <see cref="ObjectCount"/> objects were handed out.</summary>
internal sealed record ListingCompleted(long ObjectCount);

/// <summary>Lister → sequencer: listing failed after <see cref="ObjectCount"/> objects were handed out.</summary>
internal sealed record ListingFailed(long ObjectCount, Exception Reason);

/// <summary>Sequencer → dispatcher → lister: <see cref="Count"/> objects ended (written out or skipped); that much room opened in the prefetch window and the lister's credit.</summary>
internal sealed record CreditReturned(int Count);

/// <summary>Sequencer → writer: write this batch of object <see cref="Key"/>.</summary>
internal sealed record WriteLines(long Seq, string Key, LineBatch Batch);

/// <summary>
/// Writer → sequencer: a batch is done with. <see cref="LastLineWritten"/> is the last line whose
/// '\n' went out (null when the written part completes no line); <see cref="Bytes"/> how many of
/// the batch's bytes went out; <see cref="Stop"/> says the writer stops taking lines, and why.
/// </summary>
internal sealed record BatchWritten(long Seq, string Key, long? LastLineWritten, long Lines, long Bytes, WriterStop? Stop);

/// <summary>Coordinator → sequencer: who gets window credit.</summary>
internal sealed record AttachLister(IActorRef Lister, IActorRef? CreditTo = null);

/// <summary>
/// Why the writer stopped taking lines, as the end of the run it calls for: the reader of the
/// output went away (<see cref="StopReason.OutputClosed"/>, a normal end), the library's line
/// handler asked to stop, as many lines as asked for (<c>-m</c>) were written, or writing failed
/// (<see cref="StopReason.Failed"/>, with <see cref="Error"/>: disk full, an I/O error). It comes
/// with the last <see cref="BatchWritten"/>, or alone (writer → coordinator → sequencer) when the
/// reader goes away while nothing is being written.
/// </summary>
internal sealed record WriterStop(StopReason Reason, S3TailException? Error = null);

/// <summary>Outside → coordinator → sequencer: end the run now (signal, cancellation).</summary>
internal sealed record StopRun(string Reason);

/// <summary>Anyone → sequencer (through the coordinator): the run cannot go on; end it with this error.</summary>
internal sealed record FailRun(S3TailException Reason);

/// <summary>Sequencer → coordinator: the run is over; nothing is in flight any more.</summary>
internal sealed record RunFinished(TailResult Result);
