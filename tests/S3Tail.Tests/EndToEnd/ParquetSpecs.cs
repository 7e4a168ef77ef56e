using System.Text;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.Objects;
using static S3Tail.Tests.Support.ParquetFixtures;

namespace S3Tail.Tests.EndToEnd;

/// <summary>
/// Parquet objects written by DuckDB (snappy, gzip and zstd columns, several row groups) in a
/// bucket: one row a line, resumed exactly inside a row group; VPC flow logs as their text form;
/// a bad footer an unreadable object.
/// </summary>
public sealed class ParquetSpecs(S3ServerFixture fixture) : IClassFixture<S3ServerFixture>
{
    private readonly S3TestServer _server = fixture.Server;

    private string[] Args(string bucket, params string[] args) => ["--endpoint-url", _server.Endpoint, .. args, $"s3://{bucket}/flows/"];

    private async Task<string> TypesBucket()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket,
        [
            ("flows/a.parquet", File("types-snappy.parquet")),
            ("flows/b", File("types-gzip.parquet")),
            ("flows/c.parquet.gz", Gzip(File("types-zstd.parquet"))),
        ]);
        return bucket;
    }

    [Fact]
    public async Task Should_write_one_json_object_a_row_for_every_codec()
    {
        var bucket = await TypesBucket();

        var result = await new InProcessCli().RunAsync(Args(bucket), null);

        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = AllTypesJson();
        Assert.Equal(rows.Concat(rows).Concat(rows).ToArray(), result.Stdout);
        Assert.Equal($"flows/c.parquet.gz:{TypesRows}", result.Bookmark);
    }

    [Fact]
    public async Task Should_resume_inside_a_row_group_at_the_next_row_exactly()
    {
        var bucket = await TypesBucket();
        var cli = new InProcessCli();
        var rows = AllTypesJson();
        var objects = new[] { ("flows/a.parquet", rows), ("flows/b", rows), ("flows/c.parquet.gz", rows) };

        // Row groups of 2048 rows: row 3000 of b is inside its second.
        var first = await cli.RunAsync(Args(bucket, "-m", $"{TypesRows + 3000}"), null);
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Equal("flows/b:3000", first.Bookmark);
        var rest = await cli.RunAsync(Args(bucket, "-b", first.Bookmark!), null);

        Assert.True(rest.ExitCode == 0, rest.ToString());
        Assert.Equal(Resume.ExpectedAfter(objects, "flows/b:3000"), rest.Stdout);
        Assert.Equal(ExpectedOutput(objects), first.Stdout.Concat(rest.Stdout).ToArray());
    }

    [Fact]
    public async Task Should_write_vpc_flow_logs_as_their_text_form_and_grep_them()
    {
        var bucket = await _server.CreateBucketAsync();
        await _server.PutAllAsync(bucket, [("flows/1.parquet", File("vpc-flow.parquet")), ("flows/2.parquet", File("vpc-flow.parquet"))]);
        var text = File("vpc-flow.txt");

        var all = await new InProcessCli().RunAsync(Args(bucket, "--parquet-text"), null);
        var rejected = await new InProcessCli().RunAsync(Args(bucket, "--parquet-text", "-F", "-e", " REJECT "), null);

        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(text.Concat(text).ToArray(), all.Stdout);
        var reference = string.Concat(Encoding.UTF8.GetString(text).Split('\n').Where(l => l.Contains(" REJECT ")).Select(l => l + "\n"));
        Assert.Equal(reference + reference, rejected.StdoutText);
    }

    [Fact]
    public async Task Should_write_nothing_of_a_parquet_file_with_a_bad_footer_and_stop_before_it_or_skip_it()
    {
        var bucket = await _server.CreateBucketAsync();
        var good = File("types-zstd.parquet");
        var badFooter = good[..^8].Concat(new byte[] { 0xff, 0xff, 0xff, 0x7f }).Concat("PAR1"u8.ToArray()).ToArray();
        await _server.PutAllAsync(bucket, [("flows/a", good), ("flows/b-bad", badFooter), ("flows/c-cut", good[..(good.Length / 2)]), ("flows/d", good)]);

        var stopped = await new InProcessCli().RunAsync(Args(bucket), null);
        var skipped = await new InProcessCli().RunAsync(Args(bucket, "--skip-errors"), null);

        Assert.True(stopped.ExitCode == 1, stopped.ToString());
        Assert.Equal(AllTypesJson(), stopped.Stdout);
        Assert.Equal($"flows/a:{TypesRows}", stopped.Bookmark);
        Assert.Single(stopped.StderrLines, l => l.Contains("flows/b-bad") && l.Contains("not valid Parquet (unreadable: its footer"));
        Assert.True(skipped.ExitCode == 0, skipped.ToString());
        Assert.Equal(AllTypesJson().Concat(AllTypesJson()).ToArray(), skipped.Stdout);
        Assert.Contains(skipped.StderrLines, l => l.Contains("skipped") && l.Contains("flows/b-bad"));
        Assert.Contains(skipped.StderrLines, l => l.Contains("skipped") && l.Contains("flows/c-cut")
            && l.Contains("cut short, or not Parquet: it starts with PAR1 but does not end with it"));
        Assert.DoesNotContain(stopped.StderrLines.Concat(skipped.StderrLines), l => l.Contains("s3tail-spool"));   // no scratch copy's path
    }

    [Theory]
    [InlineData("--format", "records", "--parquet-text and --format records")]
    [InlineData("--format", "lines", "--parquet-text and --format lines")]
    public async Task Should_refuse_parquet_text_with_a_format_without_rows(string option, string value, string mention)
    {
        var result = await new InProcessCli().RunAsync(["--endpoint-url", _server.Endpoint, option, value, "--parquet-text", "s3://bucket-x/"], null);
        UsageError.AssertIn(result, mention);
    }
}
