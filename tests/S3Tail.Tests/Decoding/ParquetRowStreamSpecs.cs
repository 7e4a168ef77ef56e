using System.Text;
using System.Text.Json.Nodes;
using S3Tail.Decoding;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.ParquetFixtures;

namespace S3Tail.Tests.Decoding;

/// <summary>Parquet files DuckDB wrote (tests/data/formats/make-parquet.mjs), read as lines.</summary>
public sealed class ParquetRowStreamSpecs : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("s3tail-parquet-").FullName;

    public void Dispose() => Directory.Delete(_scratch, true);

    private Stream Scratch() => S3Tail.Cache.SpoolFolder.CreateScratchIn(_scratch);

    private byte[] Lines(byte[] stored, DecodeOptions options)
    {
        using var decoded = ObjectDecoding.DecodeAsync(new MemoryStream(stored), options, Scratch, CancellationToken.None).GetAwaiter().GetResult();
        var output = new MemoryStream();
        decoded.CopyToAsync(output).GetAwaiter().GetResult();
        return output.ToArray();
    }

    [Theory]
    [InlineData("types-snappy.parquet")]
    [InlineData("types-gzip.parquet")]
    [InlineData("types-zstd.parquet")]
    public void Should_write_every_row_of_every_row_group_in_order_as_typed_json(string fixture)
    {
        var lines = Lines(File(fixture), DecodeOptions.Default);
        Assert.Equal(Encoding.UTF8.GetString(AllTypesJson()), Encoding.UTF8.GetString(lines));
        Assert.Empty(Directory.GetFiles(_scratch));   // the scratch copy went with the stream
    }

    /// <summary>
    /// fidelity.parquet's rows, written by hand from what DuckDB says of them (fidelity.duckdb.json):
    /// the same values, with timestamps as ISO 8601 UTC, intervals as ISO 8601 durations, and
    /// decimals without trailing zeros (DuckDB's -2.0 and 0.00 are the numbers -2 and 0).
    /// </summary>
    private static readonly string[] FidelityJson =
    [
        """{"id":0,"ints":[1,null,3],"strs":["a",null,"c d"],"nested":[[1,null],null,[]],"pairs":[{"k":1,"v":"x"},null,{"k":null,"v":null}]""" +
        ""","grp":{"xs":[1,null],"n":null},"m":{"a":1,"b":null},"d38":12345678901234567890123456789012345.67,"d9":1.5,"d18":123456789012345.678""" +
        ""","iv":"P1M2DT3H4M5.678S","t":"13:45:01.123456","tns":"2024-03-01T12:00:00.123456789Z"}""",
        """{"id":1,"ints":[null],"strs":null,"nested":[[]],"pairs":[],"grp":{"xs":[],"n":2},"m":{},"d38":-0.05,"d9":-2,"d18":-0.001""" +
        ""","iv":"P1Y2M","t":"00:00:00","tns":"1969-12-31T23:59:59.999999999Z"}""",
        """{"id":2,"ints":[],"strs":[],"nested":null,"pairs":null,"grp":{"xs":null,"n":3},"m":null,"d38":0,"d9":0.01,"d18":0""" +
        ""","iv":"PT0S","t":"23:59:59.999","tns":"2024-03-01T00:00:00Z"}""",
        """{"id":3,"ints":null,"strs":[null],"nested":[],"pairs":[null],"grp":null,"m":{"c":3},"d38":null,"d9":null,"d18":null""" +
        ""","iv":null,"t":null,"tns":null}""",
    ];

    [Fact]
    public void Should_write_nulls_and_empty_lists_at_every_depth_as_duckdb_reads_them()
    {
        var lines = Encoding.UTF8.GetString(Lines(File("fidelity.parquet"), DecodeOptions.Default)).Split('\n')[..^1];
        var duckdb = Encoding.UTF8.GetString(File("fidelity.duckdb.json")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(duckdb.Length, lines.Length);
        for (int row = 0; row < lines.Length; row++)
        {
            var ours = JsonNode.Parse(lines[row])!.AsObject();
            var theirs = JsonNode.Parse(duckdb[row])!.AsObject();
            foreach (var column in new[] { "id", "ints", "strs", "nested", "pairs", "grp", "m" })
                Assert.True(JsonNode.DeepEquals(theirs[column], ours[column]), $"row {row} column {column}: DuckDB {theirs[column]?.ToJsonString() ?? "null"}, s3tail {ours[column]?.ToJsonString() ?? "null"}");
        }
    }

    [Fact]
    public void Should_write_wide_decimals_intervals_times_and_nanosecond_timestamps_exactly()
    {
        var lines = Encoding.UTF8.GetString(Lines(File("fidelity.parquet"), DecodeOptions.Default)).Split('\n')[..^1];
        Assert.Equal(FidelityJson, lines);
    }

    [Fact]
    public void Should_write_dates_as_calendar_dates_not_midnight_timestamps()
    {
        // dates.parquet (DuckDB, make-parquet.mjs): a DATE column, one day before 1970 and year 1.
        var lines = Encoding.UTF8.GetString(Lines(File("dates.parquet"), DecodeOptions.Default)).Split('\n')[..^1];
        Assert.Equal(
            [
                """{"id":0,"day":"2024-03-01"}""",
                """{"id":1,"day":"1969-12-31"}""",
                """{"id":2,"day":"0001-01-01"}""",
                """{"id":3,"day":null}""",
            ], lines);
        var text = Encoding.UTF8.GetString(Lines(File("dates.parquet"), new DecodeOptions(ParquetText: true)));
        Assert.Equal("0 2024-03-01\n1 1969-12-31\n2 0001-01-01\n3 -\n", text);
    }

    [Fact]
    public void Should_write_values_space_separated_with_a_dash_for_null_under_parquet_text()
    {
        var lines = Lines(File("types-zstd.parquet"), new DecodeOptions(ParquetText: true));
        Assert.Equal(string.Concat(Enumerable.Range(0, TypesRows).Select(TypesText)), Encoding.UTF8.GetString(lines));
    }

    [Fact]
    public void Should_keep_each_value_one_field_and_each_row_one_line_under_parquet_text()
    {
        // text.parquet's strings, by hand: quoted as JSON when bare they would read as a null, two
        // fields or two lines; no field holds a space (\u0020 in JSON strings), so a split on spaces holds.
        string[] expected =
        [
            @"0 ""a\u0020b"" [""x\u0020y""]",
            @"1 ""line1\nline2"" -",
            @"2 """" []",
            @"3 ""-"" [""-""]",
            @"4 - [null]",
            @"5 ""\""quoted\"""" [""\""""]",
            @"6 ""tab\there"" [""a""]",
            @"7 plain\back [""b""]",
        ];
        var lines = Encoding.UTF8.GetString(Lines(File("text.parquet"), new DecodeOptions(ParquetText: true))).Split('\n')[..^1];
        Assert.Equal(expected, lines);

        // Read back as a parser of the layout would (split on spaces, '-' is null, a quoted field is a
        // JSON string), the values are DuckDB's own.
        var duckdb = Encoding.UTF8.GetString(File("text.duckdb.json")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int row = 0; row < lines.Length; row++)
        {
            var fields = lines[row].Split(' ');
            Assert.Equal(3, fields.Length);
            var theirs = JsonNode.Parse(duckdb[row])!.AsObject();
            var s = fields[1] == "-" ? null : fields[1].StartsWith('"') ? JsonNode.Parse(fields[1])!.GetValue<string>() : fields[1];
            Assert.Equal(theirs["s"]?.GetValue<string>(), s);
            Assert.True(JsonNode.DeepEquals(theirs["tags"], fields[2] == "-" ? null : JsonNode.Parse(fields[2])), $"row {row}: {fields[2]}");
        }
    }

    [Fact]
    public void Should_write_a_parquet_vpc_flow_log_as_the_text_flow_log_of_the_same_rows()
    {
        // vpc-flow.txt is DuckDB's own text of the rows, '-' where AWS writes it (NODATA records).
        Assert.Equal(File("vpc-flow.txt"), Lines(File("vpc-flow.parquet"), new DecodeOptions(ParquetText: true)));
        var json = Encoding.UTF8.GetString(Lines(File("vpc-flow.parquet"), DecodeOptions.Default)).Split('\n');
        Assert.Equal("{\"version\":2,\"account_id\":\"123456789012\",\"interface_id\":\"eni-0a1b2c3d1\",\"srcaddr\":null,\"dstaddr\":null," +
                     "\"srcport\":null,\"dstport\":null,\"protocol\":null,\"packets\":null,\"bytes\":null,\"start\":1709254140,\"end\":1709254200," +
                     "\"action\":null,\"log_status\":\"NODATA\"}", json[49]);
    }

    [Fact]
    public void Should_read_a_compressed_parquet_file_and_one_forced_by_format()
    {
        var gzipped = Objects.Gzip(File("types-gzip.parquet"));
        Assert.Equal(AllTypesJson(), Lines(gzipped, new DecodeOptions(ObjectFormat.Parquet)));
    }

    [Theory]
    [InlineData("cut", "cut short, or not Parquet: it starts with PAR1 but does not end with it")]
    [InlineData("text after PAR1", "cut short, or not Parquet: it starts with PAR1 but does not end with it")]
    [InlineData("only PAR1", "cut short: 4 bytes, too few to hold a footer")]
    [InlineData("footer too long", "unreadable: its footer is said to be 2147483647 bytes long, in a file of 140744 bytes")]
    [InlineData("footer past the start", "unreadable: its footer is said to be 140844 bytes long, in a file of 140744 bytes")]
    [InlineData("footer garbled", "unreadable: its footer (")]
    public void Should_fail_on_a_bad_footer_or_a_cut_file_with_a_reason_of_its_own(string damage, string reason)
    {
        var file = File("types-snappy.parquet");   // 140744 bytes
        Assert.Equal(140744, file.Length);
        byte[] bad = damage switch
        {
            "cut" => file[..(file.Length / 2)],
            "text after PAR1" => Encoding.UTF8.GetBytes("PAR1 and then lines\n"),
            "only PAR1" => "PAR1"u8.ToArray(),
            "footer too long" => [.. file[..^8], .. BitConverter.GetBytes(int.MaxValue), .. "PAR1"u8],
            "footer past the start" => [.. file[..^8], .. BitConverter.GetBytes(file.Length + 100), .. "PAR1"u8],
            _ => Garbled(file),
        };
        var e = Assert.Throws<BrokenContentException>(() => Lines(bad, DecodeOptions.Default));
        Assert.Equal("Parquet", e.Format);
        Assert.StartsWith(reason, e.Reason);
        Assert.DoesNotContain(_scratch, e.Message);   // the scratch copy is nothing the user knows of
        Assert.DoesNotContain("\n", e.Message);
    }

    /// <summary>The footer's first 40 bytes inverted: its length and both magics still right.</summary>
    private static byte[] Garbled(byte[] file)
    {
        var bad = file.ToArray();
        int footer = BitConverter.ToInt32(file, file.Length - 8);
        for (int i = file.Length - 8 - footer; i < file.Length - 8 - footer + 40; i++) bad[i] ^= 0x5a;
        return bad;
    }

    [Fact]
    public void Should_refuse_content_that_does_not_start_with_par1_when_parquet_is_asked_for()
    {
        var e = Assert.Throws<BrokenContentException>(() => Lines(Encoding.UTF8.GetBytes("a line\n"), new DecodeOptions(ObjectFormat.Parquet)));
        Assert.Equal("not Parquet: it does not start with PAR1", e.Reason);
    }

    [Fact]
    public async Task Should_refuse_a_row_group_larger_than_the_bound_before_reading_it()
    {
        await using var rows = await ParquetRowStream.OpenAsync(new MemoryStream(File("types-snappy.parquet")), text: false, Scratch,
            CancellationToken.None, maxRowGroupBytes: 100_000);
        var e = await Assert.ThrowsAsync<BrokenContentException>(() => rows.CopyToAsync(Stream.Null));
        Assert.StartsWith("beyond a bound: row group 0 holds", e.Reason);
    }
}
