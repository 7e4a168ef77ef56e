using System.Buffers;
using System.Runtime.Intrinsics;

namespace S3Tail.Filtering;

/// <summary>
/// Plain strings, searched as UTF-8 bytes across a whole buffer of lines: the vectorized
/// <c>IndexOf</c> skips the lines that do not match at memory speed, and only a hit costs a look
/// for its line's edges. With ignore-case (ASCII patterns only; others go to the regex matcher)
/// the buffer's ASCII letters are lowered into a scratch copy first.
/// </summary>
internal sealed class LiteralMatcher(byte[][] needles, bool asciiIgnoreCase) : Matcher
{
    [ThreadStatic] private static long[]? _next;

    public override bool IsMatch(ReadOnlySpan<byte> line)
    {
        if (!asciiIgnoreCase) return Contains(line);
        byte[] rented = ArrayPool<byte>.Shared.Rent(line.Length);
        try
        {
            var lower = rented.AsSpan(0, line.Length);
            AsciiLower(line, lower);
            return Contains(lower);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private bool Contains(ReadOnlySpan<byte> line)
    {
        foreach (var needle in needles)
            if (line.IndexOf(needle) >= 0) return true;
        return false;
    }

    public override void Matching(ReadOnlySpan<byte> lines, List<int> starts)
    {
        byte[]? rented = null;
        try
        {
            var hay = lines;
            if (asciiIgnoreCase)
            {
                rented = ArrayPool<byte>.Shared.Rent(lines.Length);
                AsciiLower(lines, rented);
                hay = rented.AsSpan(0, lines.Length);
            }
            Find(hay, starts);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private void Find(ReadOnlySpan<byte> hay, List<int> starts)
    {
        // Where each needle next occurs at or after pos (-1: nowhere); recomputed only once passed,
        // so a rare needle is not searched for again after every hit of a common one.
        var next = _next is { } n && n.Length >= needles.Length ? _next : _next = new long[needles.Length];
        for (int i = 0; i < needles.Length; i++) next[i] = -2;
        int pos = 0;
        while (pos < hay.Length)
        {
            long hit = long.MaxValue;
            for (int i = 0; i < needles.Length; i++)
            {
                if (next[i] == -1) continue;
                if (next[i] < pos)
                {
                    int at = hay[pos..].IndexOf(needles[i]);
                    next[i] = at < 0 ? -1 : pos + at;
                    if (at < 0) continue;
                }
                hit = Math.Min(hit, next[i]);
            }
            if (hit == long.MaxValue) return;
            int index = (int)hit;
            int lineStart = pos + hay[pos..index].LastIndexOf((byte)'\n') + 1;
            starts.Add(lineStart);
            int nl = hay[index..].IndexOf((byte)'\n');
            pos = nl < 0 ? hay.Length : index + nl + 1;
        }
    }

    /// <summary>Copies <paramref name="source"/> with ASCII 'A'..'Z' lowered; every other byte as it is.</summary>
    internal static void AsciiLower(ReadOnlySpan<byte> source, Span<byte> target)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var a = Vector256.Create((byte)'A');
            var range = Vector256.Create((byte)('Z' - 'A'));
            var bit = Vector256.Create((byte)0x20);
            for (; i + Vector256<byte>.Count <= source.Length; i += Vector256<byte>.Count)
            {
                var v = Vector256.Create(source.Slice(i, Vector256<byte>.Count));
                var upper = Vector256.LessThanOrEqual(v - a, range);
                (v | (upper & bit)).CopyTo(target.Slice(i, Vector256<byte>.Count));
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var a = Vector128.Create((byte)'A');
            var range = Vector128.Create((byte)('Z' - 'A'));
            var bit = Vector128.Create((byte)0x20);
            for (; i + Vector128<byte>.Count <= source.Length; i += Vector128<byte>.Count)
            {
                var v = Vector128.Create(source.Slice(i, Vector128<byte>.Count));
                var upper = Vector128.LessThanOrEqual(v - a, range);
                (v | (upper & bit)).CopyTo(target.Slice(i, Vector128<byte>.Count));
            }
        }
        for (; i < source.Length; i++)
        {
            byte b = source[i];
            target[i] = (uint)(b - 'A') <= 'Z' - 'A' ? (byte)(b | 0x20) : b;
        }
    }
}
