using System.Text;
using Akka.Actor;
using Akka.Serialization;
using K4os.Compression.LZ4;
using S3Tail.Filtering;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Decoding;

namespace S3Tail.Workers;

/// <summary>
/// The worker protocol's messages on the wire, in a small binary form. Akka's default (JSON)
/// would carry each 1 MiB chunk of lines as base64 text inside JSON, a third larger and parsed
/// twice; here a chunk is a small header and its lines, LZ4-compressed. Bound to
/// <see cref="IWorkerProtocol"/> in <see cref="NodeConfig"/>.
/// </summary>
internal sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 4053_15;

    public override string Manifest(object o) => o switch
    {
        WorkChunk => "C",
        Work => "W",
        WantWork => "A",
        WorkKept => "K",
        WorkFailed => "F",
        JoinRun => "J",
        JoinAnswer => "R",
        ChunkAck => "a",
        _ => throw new ArgumentException($"not a worker protocol message: {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        if (obj is WorkChunk chunk) return ChunkToBinary(chunk);
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            switch (obj)
            {
                case Work work:
                    w.Write(work.Seq);
                    WriteSource(w, work.Source);
                    w.Write(work.Object.Key);
                    w.Write(work.Object.ETag);
                    w.Write(work.Object.Size);
                    WriteOptional(w, work.Object.Unreadable);
                    w.Write(work.SkipLines);
                    w.Write(work.Filter is not null);
                    if (work.Filter is { } f)
                    {
                        w.Write(f.Patterns);
                        w.Write(f.FixedStrings);
                        w.Write(f.IgnoreCase);
                        w.Write(f.Invert);
                    }
                    w.Write(work.Decoding is not null);
                    if (work.Decoding is { } decoding)
                    {
                        w.Write((byte)decoding.Format);
                        w.Write(decoding.RecordsWithParent);
                        w.Write(decoding.ParquetText);
                    }
                    break;
                case WantWork want:
                    w.Write(want.Count);
                    break;
                case WorkKept kept:
                    w.Write(kept.Seq);
                    w.Write(kept.ExaminedThrough);
                    w.Write(kept.MapRuns.Length);
                    foreach (long n in kept.MapRuns) w.Write(n);
                    break;
                case WorkFailed failed:
                    w.Write(failed.Seq);
                    w.Write(failed.Message);
                    break;
                case ChunkAck ack:
                    w.Write(ack.Seq);
                    break;
                case JoinRun join:
                    // Kept by every version: protocol, software, dispatcher. Then this version's own.
                    w.Write(join.Protocol);
                    w.Write(join.Software);
                    w.Write(Serialization.SerializedActorPath(join.Dispatcher));
                    WriteSource(w, join.Source ?? throw new ArgumentException("a JoinRun sent names its source"));
                    w.Write(join.Prefix);
                    break;
                case JoinAnswer answer:
                    // Kept by every version.
                    w.Write(answer.Protocol);
                    w.Write(answer.Software);
                    w.Write((byte)answer.Outcome);
                    w.Write(answer.Reason);
                    break;
                default:
                    throw new ArgumentException($"not a worker protocol message: {obj.GetType()}");
            }
        }
        return buffer.ToArray();
    }

    private static DecodeOptions ReadDecoding(BinaryReader r)
    {
        byte format = r.ReadByte();
        if (!Enum.IsDefined((ObjectFormat)format)) throw new System.Runtime.Serialization.SerializationException($"unknown object format {format}");
        return new DecodeOptions((ObjectFormat)format, r.ReadBoolean(), r.ReadBoolean());
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == "C") return ChunkFromBinary(bytes);
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            "W" => new Work(r.ReadInt64(), ReadSource(r), new ObjectInfo(r.ReadString(), r.ReadString(), r.ReadInt64()) { Unreadable = ReadOptional(r) },
                r.ReadInt64(),
                r.ReadBoolean() ? new GrepSpec(r.ReadString(), r.ReadBoolean(), r.ReadBoolean(), r.ReadBoolean()) : null,
                r.ReadBoolean() ? ReadDecoding(r) : null),
            "A" => new WantWork(r.ReadInt32()),
            "K" => ReadKept(r),
            "F" => new WorkFailed(r.ReadInt64(), r.ReadString()),
            "a" => new ChunkAck(r.ReadInt64()),
            "J" => ReadJoin(r),
            "R" => new JoinAnswer(r.ReadInt32(), r.ReadString(), (JoinOutcome)r.ReadByte(), r.ReadString()),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown worker protocol manifest '{manifest}'"),
        };
    }

    // A chunk: seq (8), index (4), flags (1: last, 2: LZ4), the length of its lines (4), then its
    // lines, LZ4-compressed when that makes them smaller. Log lines shrink about 8× at LZ4's
    // fastest level (docs/cache.md), and a worker's lines cross the network to the run's node,
    // usually the bound of a run spread over workers (docs/workers.md, "How it scales").
    private const int ChunkHeader = 8 + 4 + 1 + 4;

    private static byte[] ChunkToBinary(WorkChunk chunk)
    {
        var raw = chunk.Bytes;
        var scratch = System.Buffers.ArrayPool<byte>.Shared.Rent(LZ4Codec.MaximumOutputSize(raw.Length));
        try
        {
            int compressed = raw.Length == 0 ? -1 : LZ4Codec.Encode(raw, scratch, LZ4Level.L00_FAST);
            bool lz4 = compressed > 0 && compressed < raw.Length;
            var body = lz4 ? scratch.AsSpan(0, compressed) : raw.AsSpan();
            var packed = new byte[ChunkHeader + body.Length];
            BitConverter.TryWriteBytes(packed.AsSpan(0, 8), chunk.Seq);
            BitConverter.TryWriteBytes(packed.AsSpan(8, 4), chunk.Index);
            packed[12] = (byte)((chunk.Last ? 1 : 0) | (lz4 ? 2 : 0));
            BitConverter.TryWriteBytes(packed.AsSpan(13, 4), raw.Length);
            body.CopyTo(packed.AsSpan(ChunkHeader));
            return packed;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private static WorkChunk ChunkFromBinary(byte[] packed)
    {
        byte flags = packed[12];
        int length = BitConverter.ToInt32(packed, 13);
        byte[] raw;
        if ((flags & 2) == 0) raw = packed[ChunkHeader..];
        else
        {
            raw = new byte[length];
            if (LZ4Codec.Decode(packed.AsSpan(ChunkHeader), raw) != length)
                throw new System.Runtime.Serialization.SerializationException("a chunk of lines did not decompress to its length");
        }
        return new WorkChunk(BitConverter.ToInt64(packed, 0), BitConverter.ToInt32(packed, 8), raw, (flags & 1) != 0);
    }

    /// <summary>A join; of another protocol version only its first fields, which every version writes alike, so the worker can answer.</summary>
    private JoinRun ReadJoin(BinaryReader r)
    {
        int protocol = r.ReadInt32();
        string software = r.ReadString();
        var dispatcher = system.Provider.ResolveActorRef(r.ReadString());
        return protocol == WorkerProtocol.Version
            ? new JoinRun(dispatcher, protocol, software, ReadSource(r), r.ReadString())
            : new JoinRun(dispatcher, protocol, software, null, "");
    }

    private static WorkKept ReadKept(BinaryReader r)
    {
        long seq = r.ReadInt64(), examined = r.ReadInt64();
        var runs = new long[r.ReadInt32()];
        for (int i = 0; i < runs.Length; i++) runs[i] = r.ReadInt64();
        return new WorkKept(seq, runs, examined);
    }

    private static void WriteSource(BinaryWriter w, SourceSpec source)
    {
        w.Write(source.Bucket);
        WriteOptional(w, source.Region);
        WriteOptional(w, source.Profile);
        WriteOptional(w, source.Endpoint);
        w.Write(source.RequesterPays);
    }

    private static SourceSpec ReadSource(BinaryReader r) => new(r.ReadString(), ReadOptional(r), ReadOptional(r), ReadOptional(r), r.ReadBoolean());

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
