using System.Text;
using S3Tail.Decoding;

namespace S3Tail.Tests.Decoding;

public sealed class LineBatchReaderSpecs
{
    private static List<LineBatch> ReadAll(byte[] content, long skip = 0, int batchBytes = 16)
    {
        using var reader = new LineBatchReader(new MemoryStream(content), skip, batchBytes);
        var batches = new List<LineBatch>();
        while (reader.Next() is { } b) batches.Add(b);
        return batches;
    }

    private static string Join(IEnumerable<LineBatch> batches) => string.Concat(batches.Select(b => Encoding.UTF8.GetString(b.Bytes)));

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
    public void Should_grow_a_batch_for_a_line_longer_than_the_buffer()
    {
        var text = "short\n" + new string('x', 1000) + "\nend";
        var batches = ReadAll(Encoding.UTF8.GetBytes(text));
        Assert.Equal(text + "\n", Join(batches));
        Assert.Equal(3, batches[^1].LastLine);
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
