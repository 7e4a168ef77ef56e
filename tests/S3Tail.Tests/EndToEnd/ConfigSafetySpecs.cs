using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;
using static S3Tail.Tests.Support.Shell;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// The config file is the user's: a named bookmark is saved only over a regular file that may be
/// written, every byte that is not ours is kept, any key round-trips, and a save that fails is one
/// line and exit 1 with the bookmark still printed — never a crash.
/// </summary>
public sealed class ConfigSafetySpecs : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("s3tail-config-").FullName;
    private readonly string _logs;
    private readonly CliProcess _cli = new();   // for the specs that give the config file through bash (a FIFO, <(…))
    private readonly InProcessCli _inProcess = new();

    public ConfigSafetySpecs()
    {
        _logs = Path.Combine(_root, "logs");
        Directory.CreateDirectory(_logs);
        File.WriteAllBytes(Path.Combine(_logs, "a"), Text("one\ntwo\n"));
    }

    public void Dispose()
    {
        foreach (var f in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
            try { File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite); } catch (IOException) { }
        Directory.Delete(_root, true);
    }

    private Task<CliResult> RunWith(string config, params string[] more) =>
        _inProcess.RunAsync(["-c", config, "-b", "daily", .. more, _logs + "/"], null);

    /// <summary>
    /// A device node of the test's own, the same device as /dev/null (made with mknod, as root):
    /// were the code under test ever to replace it, the machine's /dev/null would survive.
    /// </summary>
    private string? Device()
    {
        var path = Path.Combine(_root, "null-device");
        using var mknod = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("mknod", ["-m", "666", path, "c", "1", "3"])
            { RedirectStandardError = true })!;
        mknod.StandardError.ReadToEnd();
        mknod.WaitForExit();
        return mknod.ExitCode == 0 ? path : null;
    }

    [SkippableFact]
    public async Task Should_never_replace_a_device_with_a_file()
    {
        if (Device() is not { } device) throw new SkipException("mknod needs root; the suite runs as root in CI");
        var r = await RunWith(device);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"'{device}' is not a regular file (it is a character device)", r.Stderr);
        Assert.Equal("a:2", r.Bookmark);
        Assert.Equal("c", FileKindOf(device));
    }

    [SkippableFact]
    public async Task Should_never_replace_a_symlink_to_a_device_or_a_fifo()
    {
        if (Device() is not { } device) throw new SkipException("mknod needs root; the suite runs as root in CI");
        var link = Path.Combine(_root, "rc-link");
        File.CreateSymbolicLink(link, device);
        var viaLink = await RunWith(link);
        Assert.Equal(1, viaLink.ExitCode);
        Assert.Contains("is not a regular file", viaLink.Stderr);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("c", FileKindOf(device));

        var fifo = Path.Combine(_root, "rc-fifo");
        var r = await RunAsync(_cli, $"mkfifo {Q(fifo)}; s3tail -c {Q(fifo)} -b daily {Q(_logs)}/ > /dev/null", timeout: TimeSpan.FromSeconds(20));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is not a regular file (it is a FIFO or pipe)", r.Stderr);
        Assert.Equal("p", FileKindOf(fifo));
    }

    [Fact]
    public async Task Should_read_but_never_save_to_a_process_substitution()
    {
        var r = await RunAsync(_cli, $"s3tail -c <(printf '[options]\\nprefetch = 2\\n') -b daily {Q(_logs)}/ > /dev/null");
        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.StderrLines, l => l.StartsWith("s3tail: error: ") && l.Contains("is not a regular file"));
        Assert.Equal("Bookmark: a:2", r.StderrLines[^1]);
    }

    [Fact]
    public async Task Should_refuse_to_rewrite_a_read_only_config_and_leave_it_as_it_was()
    {
        var rc = Path.Combine(_root, "rc");
        File.WriteAllText(rc, "[bookmarks]\nother = k:1\n");
        File.SetUnixFileMode(rc, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var r = await RunWith(rc);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is read-only", r.Stderr);
        Assert.Equal("a:2", r.Bookmark);
        Assert.Equal("[bookmarks]\nother = k:1\n", File.ReadAllText(rc));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(rc));
    }

    [Fact]
    public async Task Should_say_in_one_line_that_the_folder_of_the_config_is_missing()
    {
        var r = await RunWith(Path.Combine(_root, "no", "such", "rc"));
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(2, r.StderrLines.Length);
        Assert.Contains("does not exist", r.StderrLines[0]);
        Assert.Equal("Bookmark: a:2", r.StderrLines[1]);
    }

    /// <summary>Root may write any folder, so this runs s3tail as nobody (setpriv) where the suite runs as root.</summary>
    [SkippableFact]
    public async Task Should_say_in_one_line_that_the_config_folder_cannot_be_written_as_an_ordinary_user()
    {
        Skip.IfNot(await AsNobody.AvailableAsync(), AsNobody.Unavailable);
        var folder = Path.Combine(_root, "etc");
        Directory.CreateDirectory(folder);
        var rc = Path.Combine(folder, "rc");
        File.WriteAllText(rc, "[bookmarks]\n");
        File.SetUnixFileMode(rc, (UnixFileMode)0b110_110_110);                 // the file is writable by all...
        foreach (var dir in new[] { _root, _logs, folder }) File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101); // ...its folder is not
        File.SetUnixFileMode(Path.Combine(_logs, "a"), (UnixFileMode)0b110_100_100);
        var home = Path.Combine(_root, "home");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, (UnixFileMode)0b111_111_111);

        var r = await RunAsync(new CliProcess(home), $"{AsNobody.Prefix} s3tail -c {Q(rc)} -b daily {Q(_logs)}/");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal("one\ntwo\n", r.StdoutText);
        Assert.Equal([$"s3tail: error: Cannot save the bookmark 'daily' to '{rc}': permission denied (check the folder's permissions).", "Bookmark: a:2"],
            r.StderrLines);
        Assert.Equal("[bookmarks]\n", File.ReadAllText(rc));
    }

    [Fact]
    public async Task Should_keep_every_byte_it_did_not_change()
    {
        var rc = Path.Combine(_root, "rc");
        var latin1 = Encoding.Latin1;
        byte[] before = [0xEF, 0xBB, 0xBF, .. latin1.GetBytes("# caf\u00e9\r\n[options]\r\nlog_file = /tmp/s3t\u00e4il.log\r\n[bookmarks]\r\nother = k:1\r\n")];
        File.WriteAllBytes(rc, before);

        var r = await RunWith(rc, "-q");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal([.. before, .. Encoding.UTF8.GetBytes("daily = a:2\r\n")], File.ReadAllBytes(rc));
    }

    public static TheoryData<string> AwkwardNames => new()
    {
        "new\nline", "tab\there", "  leading spaces", "trailing spaces  ", "semi;colon", "#hash", "eq=uals", "[bracket]", "quote\"d",
    };

    /// <summary>Local files can be named like any S3 key: the saved bookmark must bring the run back exactly there.</summary>
    [Theory]
    [MemberData(nameof(AwkwardNames))]
    public async Task Should_round_trip_any_key_through_a_named_bookmark(string name)
    {
        var logs = Path.Combine(_root, "awkward");
        Directory.CreateDirectory(logs);
        File.WriteAllBytes(Path.Combine(logs, name), Text("1\n2\n3\n"));
        var rc = Path.Combine(_root, "rc");
        File.WriteAllText(rc, "[bookmarks]\n");

        var first = await _inProcess.RunAsync(["-c", rc, "-b", "daily", logs + "/"], null);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("1\n2\n3\n", first.StdoutText);

        // The key right after it appears: the resume writes only that (a key read back wrongly
        // either skips it or writes the first object again).
        File.WriteAllBytes(Path.Combine(logs, name + "~"), Text("later\n"));
        var second = await _inProcess.RunAsync(["-c", rc, "-b", "daily", logs + "/"], null);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal("later\n", second.StdoutText);
        Assert.Equal(2, File.ReadAllText(rc).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    private static string FileKindOf(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-L", "-c", "%F", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        var kind = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return kind switch { "character special file" => "c", "fifo" => "p", "regular file" or "regular empty file" => "-", _ => kind };
    }
}
