using System.Text;
using S3Tail.Decoding;
using S3Tail.Tests.Support;
using static S3Tail.Tests.Support.AwsJson;
using static S3Tail.Tests.Support.Objects;

namespace S3Tail.Tests.Decoding;

public sealed class JsonRecordStreamSpecs
{
    private static byte[] Lines(byte[] json, bool withParent = false, int maxRead = int.MaxValue, int seed = 1, bool async = false,
        int maxRecordBytes = JsonRecordStream.MaxRecordBytes)
    {
        Stream input = maxRead == int.MaxValue ? new MemoryStream(json) : new ShortReadStream(json, seed, maxRead);
        using var stream = new JsonRecordStream(input, withParent, maxRecordBytes);
        var output = new MemoryStream();
        if (async) stream.CopyToAsync(output).GetAwaiter().GetResult();
        else stream.CopyTo(output);
        return output.ToArray();
    }

    private static string LinesText(string json, bool withParent = false) => Encoding.UTF8.GetString(Lines(Text(json), withParent));

    [Theory]
    [InlineData(int.MaxValue, false)]
    [InlineData(int.MaxValue, true)]
    [InlineData(7, false)]
    [InlineData(1000, true)]
    public void Should_write_each_cloudtrail_record_as_its_own_bytes_on_a_line_whatever_the_reads(int maxRead, bool async)
    {
        var file = CloudTrailFile(4, 400);   // about 400 KB: the buffer is cut back and refilled many times
        var lines = Lines(file, maxRead: maxRead, async: async);
        Assert.Equal(ReferenceRecords(file), lines);
        Assert.Equal(400, lines.Count(b => b == '\n'));
    }

    [Fact]
    public void Should_write_nothing_for_an_empty_record_array_and_a_digest_file_whole()
    {
        Assert.Equal("", LinesText("{\"Records\":[]}"));
        Assert.Equal("", LinesText(" {\"Records\" : [ ] } \n"));
        var digest = DigestFile(2);
        Assert.Equal([.. digest, (byte)'\n'], Lines(digest));
    }

    [Fact]
    public void Should_take_config_history_items_and_firehose_documents_one_after_another()
    {
        var config = ConfigHistoryFile(3, 25);
        Assert.Equal(ReferenceRecords(config), Lines(config, maxRead: 333));
        var firehose = FirehoseDelivery(5, 6, 40);
        var lines = Lines(firehose, maxRead: 101);
        Assert.Equal(ReferenceRecords(firehose), lines);
        Assert.Equal(240, lines.Count(b => b == '\n'));
    }

    [Fact]
    public void Should_compact_a_pretty_printed_record_keeping_its_members_in_order_and_its_strings_as_written()
    {
        var json = "{\n  \"fileVersion\": \"1.0\",\n  \"configurationItems\": [\n    {\n      \"b\": 1,\n      \"a\": \"x y\\n \\\" {\",\n" +
                   "      \"n\": [ 1, { \"k\" : null } ]\n    },\n    { \"one\": \"line\" }\n  ]\n}\n";
        Assert.Equal("{\"b\":1,\"a\":\"x y\\n \\\" {\",\"n\":[1,{\"k\":null}]}\n{ \"one\": \"line\" }\n", LinesText(json));
    }

    [Fact]
    public void Should_write_documents_without_a_record_array_one_a_line_and_expand_those_with_one()
    {
        var json = "{\"a\":1}{\"Records\":[{\"r\":1},{\"r\":2}]}\n\n{\"b\":\n [2]}[3,4] \"s\" {\"Records\":\"not an array\"}{\"logEvents\":[5]}";
        Assert.Equal("{\"a\":1}\n{\"r\":1}\n{\"r\":2}\n{\"b\":[2]}\n[3,4]\n\"s\"\n{\"Records\":\"not an array\"}\n5\n", LinesText(json));
    }

    [Fact]
    public void Should_merge_the_parents_scalar_members_into_each_record_with_the_records_own_winning()
    {
        var json = "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1234\",\"subscriptionFilters\":[\"all\"],\"n\":7,\"id\":\"parent\"," +
                   "\"logEvents\":[{\"id\":\"e1\",\"message\":\"m\"},{},\"plain\"],\"after\":\"ignored\"}" +
                   "{\"fileVersion\":\"1.0\",\"configurationItems\":[{\"x\":true}]}";
        Assert.Equal(
            "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1234\",\"n\":7,\"id\":\"e1\",\"message\":\"m\"}\n" +
            "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1234\",\"n\":7,\"id\":\"parent\"}\n" +
            "\"plain\"\n" +
            "{\"fileVersion\":\"1.0\",\"x\":true}\n",
            LinesText(json, withParent: true));
        // Without the option, only the records.
        Assert.Equal("{\"id\":\"e1\",\"message\":\"m\"}\n{}\n\"plain\"\n{\"x\":true}\n", LinesText(json));
    }

    [Fact]
    public void Should_take_member_names_written_with_escapes_as_the_names_they_stand_for()
    {
        // "message\u0054ype" is "messageType", "own\u0065r" is "owner": the record's own member wins
        // however either side writes its name, and what is written keeps its bytes as they were.
        var json = @"{""message\u0054ype"":""DATA_MESSAGE"",""own\u0065r"":""1"",""\ud800x"":2,""logEvents"":[" +
                   @"{""messageType"":""own"",""id"":""e1""},{""id"":""e2"",""owner"":""mine""},{""\ud800x"":3}]}" +
                   @"{""messageType"":""DATA_MESSAGE"",""configurationItems"":[{""message\u0054ype"":""own""}]}";
        Assert.Equal(
            @"{""own\u0065r"":""1"",""\ud800x"":2,""messageType"":""own"",""id"":""e1""}" + "\n" +
            @"{""message\u0054ype"":""DATA_MESSAGE"",""\ud800x"":2,""id"":""e2"",""owner"":""mine""}" + "\n" +
            @"{""message\u0054ype"":""DATA_MESSAGE"",""own\u0065r"":""1"",""\ud800x"":3}" + "\n" +
            @"{""message\u0054ype"":""own""}" + "\n",
            LinesText(json, withParent: true));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Should_read_json_nested_far_deeper_than_a_log_needs(bool withParent)
    {
        // 100,000 levels (a quarter of a megabyte): .NET's default is 64; this was refused past 512.
        const int depth = 100_000;
        var deep = string.Concat(Enumerable.Repeat("{\"a\":[", depth)) + "1" + string.Concat(Enumerable.Repeat("]}", depth));
        var pretty = deep.Replace("[{", "[\n{");   // a line end between tokens: written compacted
        var json = "{\"owner\":\"1\",\"Records\":[" + deep + "," + pretty + "]}" + deep;
        var expected = (withParent ? "{\"owner\":\"1\"," + deep[1..] : deep) + "\n";
        Assert.Equal(expected + expected + deep + "\n", Encoding.UTF8.GetString(Lines(Text(json), withParent, maxRead: 4096)));
    }

    [Theory]
    [InlineData("{\"Records\":[{\"a\":1},{\"a\":]}", "not valid")]
    [InlineData("{\"Records\":[{\"a\":1},{\"a\":2}", "truncated")]
    [InlineData("{\"Records\":[{\"a\":1}]}{\"b\":", "truncated")]
    [InlineData("{\"a\":1} junk", "not valid")]
    [InlineData("{\"a\":1}}", "not valid")]
    [InlineData("{'a':1}", "not valid")]
    public void Should_fail_on_what_is_not_json_or_is_cut_short(string json, string reason)
    {
        var e = Assert.Throws<BrokenContentException>(() => Lines(Text(json), maxRead: 5));
        Assert.Equal("JSON", e.Format);
        Assert.StartsWith(reason, e.Reason);
    }

    [Fact]
    public void Should_fail_on_a_record_larger_than_the_bound_and_read_one_just_under_it()
    {
        string Record(int size) => "{\"m\":\"" + new string('x', size - 8) + "\"}";
        var under = Text("{\"Records\":[{\"a\":1}," + Record(60_000) + "]}");
        Assert.Equal(ReferenceRecords(under), Lines(under, maxRead: 4096, maxRecordBytes: 64 * 1024));
        var over = Text("{\"Records\":[{\"a\":1}," + Record(70_000) + "]}");
        var e = Assert.Throws<BrokenContentException>(() => Lines(over, maxRead: 4096, maxRecordBytes: 64 * 1024));
        Assert.StartsWith("beyond a bound: a record (or document) is larger than 65536 bytes", e.Reason);
    }

    [Fact]
    public void Should_match_the_reference_on_random_documents_cut_at_random_places()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            var random = new Random(seed);
            var parts = Enumerable.Range(0, random.Next(1, 6)).Select(d => random.Next(4) switch
            {
                0 => CloudTrailFile(seed + d, random.Next(0, 30)),
                1 => ConfigHistoryFile(seed + d, random.Next(0, 10)),
                2 => FirehoseDelivery(seed + d, random.Next(1, 3), random.Next(0, 10)),
                _ => DigestFile(d),
            });
            var json = parts.SelectMany(p => random.Next(3) == 0 ? [.. p, (byte)'\n'] : p).ToArray();
            Assert.Equal(ReferenceRecords(json), Lines(json, maxRead: random.Next(1, 5000), seed: seed, async: seed % 2 == 0));
        }
    }
}
