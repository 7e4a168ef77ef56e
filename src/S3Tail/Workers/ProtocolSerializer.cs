using System.Text;
using Akka.Actor;
using Akka.Serialization;
using S3Tail.Filtering;
using S3Tail.Storage;

namespace S3Tail.Workers;

/// <summary>
/// The worker protocol's messages on the wire, in a small binary form. Akka's default (JSON)
/// would carry each 1 MiB chunk of lines as base64 text inside JSON, a third larger and parsed
/// twice; here a chunk is its header and its bytes as they are. Bound to
/// <see cref="IWorkerProtocol"/> in <see cref="NodeConfig"/>.
/// </summary>
public sealed class ProtocolSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
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
        ChunkAck => "a",
        _ => throw new ArgumentException($"not a worker protocol message: {o.GetType()}"),
    };

    public override byte[] ToBinary(object obj)
    {
        if (obj is WorkChunk chunk)
        {
            // The common message, and the big one: its bytes copied once, behind a fixed header.
            var bytes = new byte[8 + 4 + 1 + chunk.Bytes.Length];
            BitConverter.TryWriteBytes(bytes.AsSpan(0, 8), chunk.Seq);
            BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), chunk.Index);
            bytes[12] = chunk.Last ? (byte)1 : (byte)0;
            chunk.Bytes.CopyTo(bytes.AsSpan(13));
            return bytes;
        }
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
                    w.Write(Serialization.SerializedActorPath(join.Dispatcher));
                    break;
                default:
                    throw new ArgumentException($"not a worker protocol message: {obj.GetType()}");
            }
        }
        return buffer.ToArray();
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (manifest == "C")
            return new WorkChunk(BitConverter.ToInt64(bytes, 0), BitConverter.ToInt32(bytes, 8), bytes[13..], bytes[12] == 1);
        using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
        return manifest switch
        {
            "W" => new Work(r.ReadInt64(), ReadSource(r), new ObjectInfo(r.ReadString(), r.ReadString(), r.ReadInt64()) { Unreadable = ReadOptional(r) },
                r.ReadInt64(),
                r.ReadBoolean() ? new GrepSpec(r.ReadString(), r.ReadBoolean(), r.ReadBoolean(), r.ReadBoolean()) : null),
            "A" => new WantWork(r.ReadInt32()),
            "K" => ReadKept(r),
            "F" => new WorkFailed(r.ReadInt64(), r.ReadString()),
            "a" => new ChunkAck(r.ReadInt64()),
            "J" => new JoinRun(system.Provider.ResolveActorRef(r.ReadString())),
            _ => throw new System.Runtime.Serialization.SerializationException($"unknown worker protocol manifest '{manifest}'"),
        };
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
    }

    private static SourceSpec ReadSource(BinaryReader r) => new(r.ReadString(), ReadOptional(r), ReadOptional(r), ReadOptional(r));

    private static void WriteOptional(BinaryWriter w, string? s)
    {
        w.Write(s is not null);
        if (s is not null) w.Write(s);
    }

    private static string? ReadOptional(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
}
