using System.Text;
using S3Tail.Tests.Support;
using S3Tail.Cli.Config;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.EndToEnd;

/// <summary>--grep end to end: the same bytes as a pipe to grep -a, bookmarks over source lines, -m, the cache.</summary>
public sealed class GrepSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    /// <summary>Sample access logs (some gzipped) and the awkward cases: CRLF, no final newline, empty, invalid UTF-8.</summary>
    private async Task<string> Logs()
    {
        var bucket = await _server.CreateBucketAsync();
        var samples = Directory.EnumerateFiles(Path.Combine(RepoPaths.Samples, "s3")).Order(StringComparer.Ordinal).Take(40)
            .Select((f, i) => ($"logs/a-{i:D3}", i % 3 == 0 ? Gzip(File.ReadAllBytes(f)) : File.ReadAllBytes(f)));
        await _server.PutAllAsync(bucket, samples.Concat(new (string, byte[])[]
        {
            ("logs/b-crlf", Text("GET /x 404 foo\r\nPUT /y 200 foo\r\n")),
            ("logs/b-empty", []),
            ("logs/b-foo", Text("x foo\ny foo\r\nz foo 404\r\n")),
            ("logs/b-no-newline", Text("first 404 line\nlast GET line without newline")),
            ("logs/b-utf8", [.. "bad \xFF\xFE GET 404\n"u8.ToArray().Select(b => b), 0xC3, 0x28, 0x20, 0x47, 0x45, 0x54, 0x0A]),
        }));
        return bucket;
    }

    private string Uri(string bucket) => $"s3://{bucket}/logs/";

    /// <summary>s3tail with a filter, and s3tail piped to grep -a, through a real shell; both outputs.</summary>
    private async Task<(byte[] Engine, byte[] Pipe)> Both(string bucket, string s3tailArgs, string grepArgs)
    {
        // The filter runs in s3tail; the reference is everything s3tail writes, through grep itself.
        var cli = new InProcessCli();
        var engine = await cli.RunAsync(["-q", "--endpoint-url", _server.Endpoint, .. await Shell.WordsAsync(s3tailArgs), Uri(bucket)], null);
        var all = await cli.RunAsync("-q", "--endpoint-url", _server.Endpoint, Uri(bucket));
        Assert.True(all.ExitCode == 0, all.ToString());
        var pipe = await Shell.PipeAsync(all.Stdout, $"grep -a {grepArgs}; true");
        Assert.True(engine.ExitCode == 0, engine.ToString());
        return (engine.Stdout, pipe.Stdout);
    }

    [Theory]
    [InlineData("-F -e ' 404 '", "-F -e ' 404 '")]
    [InlineData("-e 'REST\\.GET\\.(OBJECT|BUCKET)'", "-E -e 'REST\\.GET\\.(OBJECT|BUCKET)'")]
    [InlineData("-i -F -e 'rest.put'", "-i -F -e 'rest.put'")]
    [InlineData("-v -F -e ' 200 '", "-v -F -e ' 200 '")]
    [InlineData("-F -e ' 404 ' -e ' 403 ' -e HEAD", "-F -e ' 404 ' -e ' 403 ' -e HEAD")]
    [InlineData("-e 'foo$'", "-E -e 'foo$'")]
    [InlineData("-e '^[0-9a-f]{64} '", "-E -e '^[0-9a-f]{64} '")]
    [InlineData("-F -e GET", "-F -e GET")]
    public async Task Should_write_the_bytes_a_pipe_to_grep_writes(string s3tailArgs, string grepArgs)
    {
        var bucket = await Logs();
        var (engine, pipe) = await Both(bucket, s3tailArgs, grepArgs);
        Assert.NotEmpty(pipe);
        Assert.Equal(pipe, engine);
    }

    [Fact]
    public async Task Should_count_source_lines_in_the_bookmark_and_stop_at_the_Nth_kept_line_with_m()
    {
        var bucket = await Logs();
        var cli = new InProcessCli();
        string[] Args(params string[] more) => [.. more, "-F", "-e", " 404 ", "--endpoint-url", _server.Endpoint, Uri(bucket)];

        var all = await cli.RunAsync(Args("-l", "info"));
        var first = await cli.RunAsync(Args("-m", "7"));
        var rest = await cli.RunAsync(Args("-b", first.Bookmark!));

        Assert.Equal(0, first.ExitCode);
        string[] kept = Encoding.UTF8.GetString(all.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Concat(kept.Take(7).Select(l => l + "\n")), first.StdoutText);
        Assert.Equal(all.Stdout, first.Stdout.Concat(rest.Stdout).ToArray());
        // The bookmark is the 7th kept line's own number in its object.
        var (key, line) = (first.Bookmark![..first.Bookmark!.LastIndexOf(':')], long.Parse(first.Bookmark![(first.Bookmark!.LastIndexOf(':') + 1)..]));
        var plain = await cli.RunAsync("-q", "--endpoint-url", _server.Endpoint, $"s3://{bucket}/{key}");
        Assert.Equal(kept[6], plain.StdoutText.Split('\n')[line - 1]);
        // The whole run ends on the last line examined, and says what it examined and kept.
        Assert.Equal("logs/b-utf8:2", all.Bookmark);
        Assert.Matches($@"info: 45 objects, \d+ lines examined, {kept.Length} kept, ", all.Stderr);
    }

    [Fact]
    public async Task Should_search_again_with_another_pattern_without_downloading_anything()
    {
        var bucket = await Logs();
        var cli = new InProcessCli();
        var first = await cli.RunAsync("-q", "-F", "-e", " 404 ", "--endpoint-url", _server.Endpoint, Uri(bucket));
        var gets = (await _server.CountsAsync(bucket)).GetObject;

        var second = await cli.RunAsync("-q", "-e", "REST\\.PUT", "--endpoint-url", _server.Endpoint, Uri(bucket));
        var all = await cli.RunAsync("-q", "--endpoint-url", _server.Endpoint, Uri(bucket));

        Assert.Equal(0, second.ExitCode);
        Assert.NotEmpty(second.Stdout);
        Assert.Equal(gets, (await _server.CountsAsync(bucket)).GetObject);
        Assert.True(all.Stdout.Length > first.Stdout.Length + second.Stdout.Length);   // whole objects are cached
    }

    [Theory]
    [InlineData("(unclosed", "--grep '(unclosed' is not a valid .NET regular expression")]
    [InlineData("a{2,1}", "--grep 'a{2,1}' is not a valid .NET regular expression")]
    public async Task Should_refuse_a_malformed_pattern_as_bad_usage_naming_it(string pattern, string message)
    {
        var result = await new InProcessCli().RunAsync("-e", pattern, "--endpoint-url", _server.Endpoint, "s3://no-such-bucket/");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
        Assert.Single(result.StderrLines);
    }

    [Theory]
    [InlineData("-v", "--invert-match (-v) only applies with --grep")]
    [InlineData("-F", "--fixed-strings (-F) only applies with --grep")]
    public async Task Should_refuse_a_modifier_without_a_pattern(string option, string message)
    {
        var result = await new InProcessCli().RunAsync(option, "--endpoint-url", _server.Endpoint, "s3://no-such-bucket/");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.Stderr);
    }

    [Fact]
    public async Task Should_resume_a_named_bookmark_through_a_search_and_combine_with_a_time_window()
    {
        var bucket = await _server.CreateBucketAsync();
        var keys = Enumerable.Range(0, 6).Select(h => $"logs/web-2016-09-11-{h:D2}-00-00-0A1B2C3D4E5F6A7B").ToList();
        await _server.PutAllAsync(bucket, keys.Select(k => (k, Text($"{k} GET 200\n{k} GET 404\n{k} PUT 404\n"))));
        var cli = new InProcessCli();
        string[] Args(params string[] more) => [.. more, "-b", "errors", "-F", "-e", " 404", "--endpoint-url", _server.Endpoint, Uri(bucket)];

        var morning = await cli.RunAsync(Args("--since", "2016-09-11T01:00", "--until", "2016-09-11T03:00"));
        var later = await cli.RunAsync(Args("-i", "-F", "-e", "put"));

        Assert.Equal($"{keys[1]} GET 404\n{keys[1]} PUT 404\n{keys[2]} GET 404\n{keys[2]} PUT 404\n", morning.StdoutText);
        // Resumed after 02:00's last line: later objects only; several -e, -i.
        Assert.Equal(string.Concat(keys.Skip(3).Select(k => $"{k} GET 404\n{k} PUT 404\n")), later.StdoutText);
        Assert.Equal($"{keys[5]}:3", ConfigFile.Load(Path.Combine(cli.Home, ".s3tailrc")).Get("bookmarks", "errors"));
    }

    [Fact]
    public async Task Should_skip_an_unreadable_object_with_skip_errors_while_searching()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, [("logs/1", Text("a 404\n")), ("logs/2", Text("b 404\n")), ("logs/3", Text("c 404\n"))]);
        await _server.SetRulesAsync(bucket, new { op = "getObject", key = "logs/2", status = 403, code = "AccessDenied" });

        var result = await new InProcessCli().RunAsync("--skip-errors", "-e", "404", "--endpoint-url", _server.Endpoint, Uri(bucket));

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("a 404\nc 404\n", result.StdoutText);
        Assert.Contains("skipped 'logs/2'", result.Stderr);
    }

    [Fact]
    public async Task Should_filter_a_64_MiB_line_whole_with_every_kind_of_pattern()
    {
        var cli = new InProcessCli();
        var folder = Path.Combine(cli.Home, "logs");
        Directory.CreateDirectory(folder);
        var longLine = new byte[64 << 20];
        Array.Fill(longLine, (byte)'x');
        "NEEDLE"u8.CopyTo(longLine.AsSpan(longLine.Length - 6));
        var file = Path.Combine(folder, "big.log");
        using (var f = File.Create(file))
        {
            f.Write("a 404\n"u8);
            f.Write(longLine);
            f.Write("\nb 200\n"u8);
        }
        byte[] longWithNewline = [.. longLine, (byte)'\n'];

        foreach (var (args, expected) in new (string[], byte[])[]
        {
            (["-F", "-e", "NEEDLE"], longWithNewline),
            (["-e", "xN+E+DLE$"], longWithNewline),
            (["-i", "-F", "-e", "needle"], longWithNewline),
            (["-v", "-F", "-e", "NEEDLE"], "a 404\nb 200\n"u8.ToArray()),
            (["-F", "-e", "b 200", "-e", "a 404"], "a 404\nb 200\n"u8.ToArray()),
        })
        {
            var result = await cli.RunAsync([.. args, "-q", folder + "/"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(expected.AsSpan().SequenceEqual(result.Stdout), $"{string.Join(' ', args)}: {result.Stdout.Length} bytes");
        }
        File.Delete(file);
    }

    /// <summary>20,000 lines (several batches); only lines 15,000 (one blank) and 18,000 (two) are blank.</summary>
    private static byte[] BlankLines() =>
        Text(string.Concat(Enumerable.Range(1, 20_000).Select(i => i switch
        {
            15_000 => " \n",
            18_000 => "  \n",
            _ => $"line {i:D6} ................................\n",
        })));

    [Fact]
    public async Task Should_bookmark_the_line_a_pattern_matching_empty_lines_kept_and_not_repeat_it_on_resume()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, [("logs/a.log", BlankLines())]);
        var cli = new InProcessCli();
        string[] Args(params string[] more) => [.. more, "-e", "^ *$", "--endpoint-url", _server.Endpoint, Uri(bucket)];

        var first = await cli.RunAsync(Args("-m", "1"));
        var resumed = await cli.RunAsync(Args("-m", "1", "-b", first.Bookmark!));
        var whole = await cli.RunAsync(Args());

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal(" \n", first.StdoutText);
        Assert.Equal("logs/a.log:15000", first.Bookmark);
        Assert.Equal("  \n", resumed.StdoutText);
        Assert.Equal("logs/a.log:18000", resumed.Bookmark);
        Assert.Equal(" \n  \n", whole.StdoutText);
        Assert.Equal("logs/a.log:20000", whole.Bookmark);
    }

    [Fact]
    public async Task Should_count_and_bookmark_the_lines_examined_when_a_pattern_matching_empty_lines_keeps_none()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, [("logs/a.log", Text("alpha\nbeta\n")), ("logs/b.log", Text("gamma\ndelta"))]);
        var cli = new InProcessCli();

        var run = await cli.RunAsync("-e", "^$", "-l", "info", "--endpoint-url", _server.Endpoint, Uri(bucket));
        var named = await cli.RunAsync("-e", "^$", "-b", "blank", "--endpoint-url", _server.Endpoint, Uri(bucket));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Empty(run.Stdout);
        Assert.Contains("info: 2 objects, 4 lines examined, 0 kept, ", run.Stderr);
        Assert.Equal("logs/b.log:2", run.Bookmark);
        Assert.Equal(0, named.ExitCode);
        Assert.Equal("logs/b.log:2", ConfigFile.Load(Path.Combine(cli.Home, ".s3tailrc")).Get("bookmarks", "blank"));
    }

    [Fact]
    public async Task Should_end_a_catastrophic_pattern_in_well_under_the_time_limit()
    {
        var bucket = await _server.CreateBucketAsync();
        string hostile = new string('a', 40) + "b";
        await _server.PutAllAsync(bucket, [("logs/a.log", Text($"x\n{hostile}\naaa\n{hostile}\n"))]);

        // A time limit, so that a regression fails here instead of running for hours.
        var result = await new InProcessCli().RunAsync(
            ["-e", "(a+)+$", "--endpoint-url", _server.Endpoint, Uri(bucket)], null, TimeSpan.FromSeconds(10));

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("aaa\n", result.StdoutText);
        Assert.Equal("logs/a.log:4", result.Bookmark);
    }

    [Fact]
    public async Task Should_fail_a_runaway_pattern_the_linear_engine_cannot_run_with_one_line_naming_it()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, [("logs/a.log", Text($"x\n{new string('a', 40)}b\n"))]);

        var result = await new InProcessCli().RunAsync(
            ["-e", @"(a+)+\1$", "--endpoint-url", _server.Endpoint, Uri(bucket)], null, TimeSpan.FromSeconds(20));

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(result.Stdout);
        var error = Assert.Single(result.StderrLines);
        Assert.Contains(@"--grep '(a+)+\1$' ran out of time on line 2 of 'logs/a.log' (1 s a line, more for a long one): .NET's linear-time engine cannot run it (backreference", error);
    }
}
