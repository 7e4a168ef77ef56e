using System.Text;
using S3Tail.Decoding;
using S3Tail.Tests.Support;

namespace S3Tail.Tests.Decoding;

public sealed class LineBatchReaderSpecs
{
    private static List<LineBatch> ReadAll(Stream content, long skip = 0, int batchBytes = 16, long? sizeHint = null)
    {
        using var reader = new LineBatchReader(content, skip, batchBytes, sizeHint);
        var batches = new List<LineBatch>();
        while (reader.Next() is { } b) batches.Add(b);
        return batches;
    }

    private static List<LineBatch> ReadAll(byte[] content, long skip = 0, int batchBytes = 16) =>
        ReadAll(new MemoryStream(content), skip, batchBytes);

    private static string Join(IEnumerable<LineBatch> batches) => string.Concat(batches.Select(b => Encoding.UTF8.GetString(b.Bytes)));

    /// <summary>What the reader must produce: lines after <paramref name="skip"/>, with a final newline added.</summary>
    private static byte[] Expected(byte[] content, long skip)
    {
        var all = content.Length > 0 && content[^1] != '\n' ? [.. content, (byte)'\n'] : content;
        int start = 0;
        for (long i = 0; i < skip && start < all.Length; i++)
        {
            int nl = Array.IndexOf(all, (byte)'\n', start);
            start = nl < 0 ? all.Length : nl + 1;
        }
        return all[start..];
    }

    [Fact]
    public void Should_cut_only_at_line_ends_and_number_lines_without_gaps()
    {
        var text = string.Concat(Enumerable.Range(1, 100).Select(i => $"line {i}\n"));
        var batches = ReadAll(Encoding.UTF8.GetBytes(text));
        Assert.Equal(text, Join(batches));
        Assert.All(batches, b => Assert.Equal((byte)'\n', b.Bytes[^1]));
        Assert.Equal(1, batches[0].FirstLine);
        for (int i = 1; i < batches.Count; i++) Assert.Equal(batches[i - 1].LastLine + 1, batches[i].FirstLine);
        Assert.Equal(100, batches[^1].LastLine);
    }

    [Fact]
    public void Should_carry_a_line_longer_than_a_batch_in_bounded_pieces()
    {
        var text = "short\n" + new string('x', 1000) + "\nend";
        var batches = ReadAll(Encoding.UTF8.GetBytes(text));
        Assert.Equal(text + "\n", Join(batches));
        Assert.All(batches, b => Assert.True(b.Length <= 16, $"a batch of {b.Length} bytes"));
        // The pieces of line 2 complete no line until the one holding its '\n'.
        var pieces = batches.Where(b => b.FirstLine == 2).ToList();
        Assert.True(pieces.Count > 50);
        Assert.All(pieces.SkipLast(1), p => Assert.Equal(0, p.Newlines));
        Assert.True(pieces.Skip(1).All(p => p.StartsMidLine));
        Assert.Equal(3, batches[^1].LastLine);
    }

    [Fact]
    public void Should_read_a_12_MiB_line_from_a_stream_of_short_reads_in_bounded_memory()
    {
        var content = Encoding.UTF8.GetBytes("a\n" + new string('j', 12 * 1024 * 1024) + "\nb\n");
        long total = 0;
        int largest = 0;
        using var reader = new LineBatchReader(new ShortReadStream(content, seed: 1, maxRead: 4096), 0, LineBatchReader.BatchBytes);
        long lastLine = 0;
        while (reader.Next() is { } batch)
        {
            total += batch.Length;
            largest = Math.Max(largest, batch.Length);
            lastLine = Math.Max(lastLine, batch.LastLine);
            batch.Return();
        }
        Assert.Equal(content.Length, total);
        Assert.Equal(3, lastLine);
        Assert.True(largest <= LineBatchReader.BatchBytes, $"a batch of {largest} bytes");
    }

    [Fact]
    public void Should_give_the_same_bytes_and_numbers_for_any_read_sizes_batch_sizes_skips_and_size_hints()
    {
        var random = new Random(20261128);
        for (int round = 0; round < 300; round++)
        {
            var text = new StringBuilder();
            int lines = random.Next(0, 30);
            for (int l = 0; l < lines; l++) text.Append(new string((char)('a' + l % 26), random.Next(0, random.Next(2) == 0 ? 5 : 80))).Append(random.Next(5) == 0 ? "\r\n" : "\n");
            if (lines > 0 && random.Next(3) == 0) text.Length--;
            var content = Encoding.UTF8.GetBytes(text.ToString());
            long skip = random.Next(0, lines + 2);
            int batchBytes = random.Next(1, 64) * (random.Next(4) == 0 ? 200 : 1);
            // A size hint may be right, absent, or wrong either way (a file that grew or shrank).
            long? hint = random.Next(4) switch { 0 => null, 1 => content.Length, 2 => random.Next(0, content.Length + 1), _ => content.Length * 3 };

            var batches = ReadAll(new ShortReadStream(content, random.Next(), random.Next(1, 20)), skip, batchBytes, hint);
            var output = batches.SelectMany(b => b.Bytes.ToArray()).ToArray();
            Assert.Equal(Expected(content, skip), output);
            if (batches.Count > 0) Assert.Equal(skip + 1, batches[0].FirstLine);
            for (int i = 1; i < batches.Count; i++) Assert.Equal(batches[i - 1].LastLine + 1, batches[i].FirstLine);
            Assert.All(batches, b => Assert.Equal(b.Bytes.Count((byte)'\n'), b.Newlines));
        }
    }

    [Fact]
    public void Should_resume_at_a_position_on_a_fresh_copy_without_repeating_or_losing_a_byte()
    {
        var content = Encoding.UTF8.GetBytes("one\n" + new string('x', 50) + "\nthree\nfour");
        for (int cut = 1; cut < 8; cut++)
        {
            using var first = new LineBatchReader(new MemoryStream(content), 0, 16);
            var output = new List<byte>();
            for (int i = 0; i < cut && first.Next() is { } b; i++) output.AddRange(b.Bytes.ToArray());
            using var rest = LineBatchReader.ResumeAt(new MemoryStream(content), first.Position, 0, 16);
            while (rest.Next() is { } b) output.AddRange(b.Bytes.ToArray());
            Assert.Equal(Expected(content, 0), output.ToArray());
        }
    }

    [Theory]
    [InlineData(0, "1\n2\n3\n4\n5\n")]
    [InlineData(2, "3\n4\n5\n")]
    [InlineData(5, "")]
    [InlineData(9, "")]
    public void Should_skip_lines_up_to_a_bookmark(long skip, string expected)
    {
        var batches = ReadAll(Encoding.UTF8.GetBytes("1\n2\n3\n4\n5"), skip, batchBytes: 4);
        Assert.Equal(expected, Join(batches));
        if (batches.Count > 0) Assert.Equal(skip + 1, batches[0].FirstLine);
    }

    [Fact]
    public void Should_keep_carriage_returns_and_blank_lines()
    {
        var text = "a\r\n\r\n\nb\r\n";
        var batches = ReadAll(Encoding.UTF8.GetBytes(text));
        Assert.Equal(text, Join(batches));
        Assert.Equal(4, batches[^1].LastLine);
    }

    [Fact]
    public void Should_give_nothing_for_an_empty_object()
    {
        Assert.Empty(ReadAll([]));
    }
}
