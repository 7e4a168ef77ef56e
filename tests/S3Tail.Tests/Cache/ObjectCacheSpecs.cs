using S3Tail.Cache;
using S3Tail.Storage;

namespace S3Tail.Tests.Cache;

public sealed class ObjectCacheSpecs : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("s3tail-cache-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>
    /// Downloaders write their first entries into a fresh cache at the same moment. One of them
    /// makes a shard folder while the others create files in it: none may fail. (Before, the
    /// others went on while the folder was still being made, and open() said ENOENT, which .NET
    /// reports as FileNotFoundException naming the temporary file: the entry looked as if it had
    /// vanished.)
    /// </summary>
    [Fact]
    public void Should_let_many_writers_start_at_once_in_a_fresh_cache()
    {
        const int Writers = 8;
        // Keys whose entries share one shard folder, so every writer needs the same folder.
        var probe = new ObjectCache(_dir, TimeSpan.FromHours(1));
        var keys = Enumerable.Range(0, 10_000).Select(i => $"k{i}")
            .GroupBy(k => Path.GetFileName(Path.GetDirectoryName(probe.EntryPath("id", k)))).First(g => g.Count() >= Writers)
            .Take(Writers).ToArray();
        for (int round = 0; round < 150; round++)
        {
            var cache = new ObjectCache(Path.Combine(_dir, $"round-{round}"), TimeSpan.FromHours(1));
            using var start = new Barrier(Writers);
            var failures = new System.Collections.Concurrent.ConcurrentBag<Exception>();
            var threads = keys.Select(key => new Thread(() =>
            {
                try
                {
                    var info = new ObjectInfo(key, "\"e\"", 1);
                    string path = cache.EntryPath("id", key);
                    start.SignalAndWait();
                    using var writer = cache.CreateEntry(path, info);
                    writer.Content.Write("x\n"u8);
                    writer.Commit(path);
                }
                catch (Exception e) { failures.Add(e); }
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.Empty(failures);
            Assert.All(keys, k => Assert.Equal(EntryState.Valid, cache.Find("id", new ObjectInfo(k, "\"e\"", 1)).State));
        }
    }

    [Fact]
    public void Should_make_a_shard_folder_again_when_it_was_removed_during_the_run()
    {
        var cache = new ObjectCache(Path.Combine(_dir, "cache"), TimeSpan.FromHours(1));
        var info = new ObjectInfo("key", "\"e\"", 1);
        string path = cache.EntryPath("id", "key");
        using (var writer = cache.CreateEntry(path, info)) writer.Commit(path);
        Directory.Delete(cache.Root, recursive: true);

        using (var writer = cache.CreateEntry(path, info))
        {
            writer.Content.Write("y\n"u8);
            writer.Commit(path);
        }
        Assert.Equal(EntryState.Valid, cache.Find("id", info).State);
    }
}
