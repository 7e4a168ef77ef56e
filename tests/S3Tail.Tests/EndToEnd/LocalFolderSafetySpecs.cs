using System.Diagnostics;
using S3Tail.Logging;
using S3Tail.Pipeline;
using S3Tail.Storage;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;
using static S3Tail.Tests.Support.Shell;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// A local folder is a real machine's folder: FIFOs, symlink loops, files that vanish, folders
/// that cannot be read, files still growing. None of them may hang the run, crash it, or repeat
/// and lose lines.
/// </summary>
public sealed class LocalFolderSafetySpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-localsafe-").FullName;
    private readonly string _logs;
    private readonly CliProcess _cli = new();

    public LocalFolderSafetySpecs()
    {
        _logs = Path.Combine(_root, "logs");
        Directory.CreateDirectory(_logs);
    }

    public void Dispose()
    {
        var noLinks = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var d in Directory.EnumerateDirectories(_root, "*", noLinks))
            try { File.SetUnixFileMode(d, (UnixFileMode)0b111_000_000); } catch (IOException) { }
        Directory.Delete(_root, true);
    }

    private void Put(string key, string text)
    {
        var path = Path.Combine(_logs, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    [Fact]
    public async Task Should_not_block_on_a_fifo_and_skip_it_with_skip_errors()
    {
        Put("a", "a\n");
        Put("z", "z\n");
        var fifo = Path.Combine(_logs, "m-fifo");

        var failed = await RunAsync(_cli, $"mkfifo {Q(fifo)}; s3tail {Q(_logs)}/", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("a\n", failed.StdoutText);
        Assert.Contains("is not a regular file", failed.Stderr);
        Assert.Equal("a:1", failed.Bookmark);

        var skipped = await _cli.RunAsync(["--skip-errors", _logs + "/"], null, TimeSpan.FromSeconds(20));
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Equal("a\nz\n", skipped.StdoutText);
    }

    [Fact]
    public async Task Should_read_each_file_once_in_a_folder_with_a_symlink_loop()
    {
        Put("a", "a\n");
        Put("sub/b", "b\n");
        Put("z", "z\n");
        Directory.CreateSymbolicLink(Path.Combine(_logs, "cur"), ".");
        Directory.CreateSymbolicLink(Path.Combine(_logs, "sub", "up"), "..");

        var r = await _cli.RunAsync([_logs + "/"], null);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("a\nb\nz\n", r.StdoutText);
        Assert.Equal("z:1", r.Bookmark);
    }

    [Fact]
    public async Task Should_skip_a_file_deleted_after_the_listing_with_a_warning()
    {
        // "a" is large and stdout is not read, so "b" (listed already) is deleted before its turn.
        File.WriteAllBytes(Path.Combine(_logs, "a"), AccessLog(1, 20_000));
        Put("b", "b\n");
        Put("c", "c\n");
        var psi = _cli.StartInfo(["-p", "1", _logs + "/"]);
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stderr = p.StandardError.ReadToEndAsync();
        // The first bytes of "a" are out: the folder has been listed, and "a" fills the pipe.
        var first = new byte[1];
        Assert.Equal(1, await p.StandardOutput.BaseStream.ReadAsync(first).AsTask().WaitAsync(TimeSpan.FromSeconds(60)));
        File.Delete(Path.Combine(_logs, "b"));
        var stdout = new MemoryStream();
        stdout.Write(first);
        await p.StandardOutput.BaseStream.CopyToAsync(stdout);
        await p.WaitForExitAsync();
        var r = new CliResult(p.ExitCode, stdout.ToArray(), await stderr);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(AccessLog(1, 20_000).Concat(Text("c\n")).ToArray(), r.Stdout);
        Assert.Contains(r.StderrLines, l => l.Contains("skipped 'b'") && l.Contains("deleted after it was listed"));
    }

    /// <summary>Root reads every folder, so this runs s3tail as nobody (setpriv) where the suite runs as root.</summary>
    [SkippableFact]
    public async Task Should_report_a_folder_it_cannot_read_in_one_line_and_pass_it_with_skip_errors()
    {
        Skip.IfNot(await AsNobody.AvailableAsync(), AsNobody.Unavailable);
        Put("a", "a\n");
        Put("locked/s", "secret\n");
        Put("z", "z\n");
        File.SetUnixFileMode(Path.Combine(_logs, "locked"), UnixFileMode.None);
        foreach (var dir in new[] { _root, _logs }) File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        var home = Path.Combine(_root, "home");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111);
        var cli = new CliProcess(home);

        string asNobody = $"{AsNobody.Prefix} s3tail";
        var failed = await RunAsync(cli, $"{asNobody} {Q(_logs)}/");
        Assert.Equal(1, failed.ExitCode);
        Assert.Equal("a\n", failed.StdoutText);
        Assert.Equal(["s3tail: error: Cannot read the folder '" + Path.Combine(_logs, "locked") + "': permission denied.", "Bookmark: a:1"], failed.StderrLines);

        var skipped = await RunAsync(cli, $"{asNobody} --skip-errors {Q(_logs)}/");
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Equal("a\nz\n", skipped.StdoutText);
    }

    /// <summary>
    /// A file still being written is read as the snapshot the listing saw: up to its listed size,
    /// with a newline added to an unfinished last line (README, "Local folders").
    /// </summary>
    [Fact]
    public async Task Should_read_a_growing_file_up_to_its_size_at_listing()
    {
        Put("app.log", "one\ntwo\nthr");
        using var source = new LocalFolderSource(_logs);
        var info = (await source.ListAsync("", null, 10, CancellationToken.None)).Objects.Single();
        File.AppendAllText(Path.Combine(_logs, "app.log"), "ee\nfour\n");

        var fetcher = new ObjectFetcher(source, null, new S3Tail.Cache.SpoolFolder(), RetryPolicy.Default, NullLog.Instance);
        var content = await fetcher.FetchAsync(info, false, CancellationToken.None);
        using var decoded = content.OpenDecoded();
        Assert.Equal("one\ntwo\nthr", new StreamReader(decoded).ReadToEnd());
    }
}
