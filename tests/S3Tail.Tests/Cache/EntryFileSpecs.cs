using S3Tail.Cache;

namespace S3Tail.Tests.Cache;

public sealed class EntryFileSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3tail-entry-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(byte[] content, string etag = "\"etag\"")
    {
        string path = Path.Combine(_dir, Guid.NewGuid().ToString("N"));
        using var writer = EntryFile.Create(_dir, etag, content.Length + 5);
        writer.Content.Write(content);
        writer.Commit(path);
        return path;
    }

    private static byte[] ReadAll(string path)
    {
        using var s = EntryFile.OpenDecoded(path);
        var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    private static byte[] Compressible(int size)
    {
        var random = new Random(3);
        return Enumerable.Range(0, size).Select(i => (byte)(i % 97 == 0 ? '\n' : 'a' + random.Next(4))).ToArray();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3 * 1024 * 1024 + 11)]
    public void Should_give_back_exactly_the_bytes_written(int size)
    {
        var content = Compressible(size);
        var path = Write(content);
        Assert.Equal(content, ReadAll(path));
        var header = EntryFile.TryReadHeader(path)!;
        Assert.Equal("\"etag\"", header.ETag);
        Assert.Equal(size + 5, header.StoredSize);
        Assert.Equal(size, header.DecodedLength);
    }

    [Fact]
    public void Should_leave_no_file_behind_when_not_committed()
    {
        using (var writer = EntryFile.Create(_dir, "e", 1)) writer.Content.Write(new byte[100]);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_dir));
    }

    [Fact]
    public void Should_create_files_only_the_owner_can_read()
    {
        var path = Write(Compressible(10));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void Should_reject_a_truncated_entry_before_handing_out_any_byte()
    {
        var path = Write(Compressible(2 * 1024 * 1024));
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(f.Length - 100);
        Assert.Null(EntryFile.TryReadHeader(path));
        Assert.Throws<CorruptEntryException>(() => EntryFile.OpenDecoded(path));
    }

    [Fact]
    public void Should_reject_a_flipped_byte_in_a_block_before_handing_out_that_block()
    {
        var content = Compressible(3 * 1024 * 1024);
        var path = Write(content);
        var bytes = File.ReadAllBytes(path);
        int at = bytes.Length - 1000; // inside the last block
        bytes[at] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        using var s = EntryFile.OpenDecoded(path);
        var got = new MemoryStream();
        var buffer = new byte[64 * 1024];
        var e = Assert.Throws<CorruptEntryException>(() =>
        {
            int n;
            while ((n = s.Read(buffer)) > 0) got.Write(buffer, 0, n);
        });
        Assert.Equal(path, e.EntryPath);
        // What came out before the failure is a true prefix of the content.
        Assert.True(got.Length < content.Length);
        Assert.Equal(content.AsSpan(0, (int)got.Length).ToArray(), got.ToArray());
    }

    [Fact]
    public void Should_reject_a_wrong_header()
    {
        var path = Write(Compressible(1000));
        var bytes = File.ReadAllBytes(path);
        bytes[0] = (byte)'X';
        File.WriteAllBytes(path, bytes);
        Assert.Null(EntryFile.TryReadHeader(path));
        Assert.Throws<CorruptEntryException>(() => EntryFile.OpenDecoded(path));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4700)]
    [InlineData(64 * 1024)]
    [InlineData(256 * 1024)]   // several 64 KiB blocks
    public void Should_give_back_exactly_the_bytes_of_an_entry_written_whole(int size)
    {
        var content = Compressible(size);
        string path = Path.Combine(_dir, "whole");
        EntryFile.WriteWhole(_dir, path, "\"etag\"", size + 7, content);

        Assert.Equal(content, ReadAll(path));
        var header = EntryFile.TryReadHeader(path)!;
        Assert.Equal(("\"etag\"", size + 7L, (long)size), (header.ETag, header.StoredSize, header.DecodedLength));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(["whole"], Directory.EnumerateFileSystemEntries(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Should_reject_a_flipped_byte_in_an_entry_written_whole()
    {
        var content = Compressible(5000);
        string path = Path.Combine(_dir, "whole");
        EntryFile.WriteWhole(_dir, path, "e", 5000, content);
        var bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        Assert.Throws<CorruptEntryException>(() => ReadAll(path));
    }
}
