using System.IO.Compression;
using System.Text;
using S3Tail.Tests.Support;

namespace S3Tail.Benchmarks;

/// <summary>
/// Formats (docs/formats.md) as a user runs them, each a process through bash, interleaved,
/// median of the rounds: a CloudTrail day (gzipped files of one-line JSON, read from a local
/// folder) as records, against the same files with --format lines and against
/// <c>zcat | jq -c '.Records[]'</c>, whose output must be the same bytes as the records'; and
/// Parquet VPC flow logs (the committed DuckDB fixture, copied) to JSON lines and to text,
/// reported as MB/s of output. Records are plain ASCII with whole numbers, which jq writes back
/// unchanged, so the hashes can be compared.
/// </summary>
public static class RecordsRunner
{
    public static Task<int> RunAsync(int files, int recordsEach, int parquetCopies, int rounds)
    {
        var scratch = Directory.CreateTempSubdirectory("s3tail-records-").FullName;
        try
        {
            var trail = Path.Combine(scratch, "trail");
            var flows = Path.Combine(scratch, "flows");
            Directory.CreateDirectory(trail);
            Directory.CreateDirectory(flows);
            long decoded = 0;
            for (int f = 0; f < files; f++)
            {
                var json = CloudTrailFile(f, recordsEach);
                decoded += json.Length;
                using var file = File.Create(Path.Combine(trail, $"123456789012_CloudTrail_eu-west-1_20240301T{f / 60 % 24:D2}{f % 60:D2}Z_{f:D4}.json.gz"));
                using var gz = new GZipStream(file, CompressionLevel.Optimal);
                gz.Write(json);
            }
            var fixture = Path.Combine(RepoPaths.Formats, "vpc-flow.parquet");
            for (int i = 0; i < parquetCopies; i++) File.Copy(fixture, Path.Combine(flows, $"flow-{i:D4}.parquet"));

            string Q(string s) => "'" + s.Replace("'", "'\\''") + "'";
            string cli = Q(ScriptRun.Cli);
            var home = Path.Combine(scratch, "home");
            Directory.CreateDirectory(home);
            var cases = new List<(string Name, string Script)>
            {
                ("s3tail (records)", $"{cli} -q --cache-hours 0 {Q(trail + "/")}"),
                ("s3tail --format lines", $"{cli} -q --cache-hours 0 --format lines {Q(trail + "/")}"),
                ("zcat | jq -c '.Records[]'", $"cd {Q(trail)} && zcat * | jq -c '.Records[]'"),
                ("s3tail Parquet -> JSON", $"{cli} -q --cache-hours 0 {Q(flows + "/")}"),
                ("s3tail Parquet --parquet-text", $"{cli} -q --cache-hours 0 --parquet-text {Q(flows + "/")}"),
            };
            var times = cases.ToDictionary(c => c.Name, _ => new List<double>());
            var hashes = new Dictionary<string, string>();
            for (int r = 0; r < rounds; r++)
                foreach (var (name, script) in cases)
                {
                    var (seconds, sha) = ScriptRun.Run(script, home, new Dictionary<string, string> { ["LC_ALL"] = "C" });
                    times[name].Add(seconds);
                    hashes[name] = sha;
                }
            long jsonOut = OutputBytes(cli + $" -q --cache-hours 0 {Q(flows + "/")}", home);
            long textOut = OutputBytes(cli + $" -q --cache-hours 0 --parquet-text {Q(flows + "/")}", home);

            double records = Stats.Median(times["s3tail (records)"]), lines = Stats.Median(times["s3tail --format lines"]);
            double jq = Stats.Median(times["zcat | jq -c '.Records[]'"]);
            bool same = hashes["s3tail (records)"] == hashes["zcat | jq -c '.Records[]'"];
            Console.WriteLine($"CloudTrail: {files} files of {recordsEach} records ({decoded / 1e6:0} MB decoded), {Environment.ProcessorCount} cores, median of {rounds}:");
            Console.WriteLine($"  {"s3tail (records)",-30} {records,7:0.00} s  {decoded / 1e6 / records,6:0} MB/s  {lines / records:0.00}x the speed of --format lines");
            Console.WriteLine($"  {"s3tail --format lines",-30} {lines,7:0.00} s  {decoded / 1e6 / lines,6:0} MB/s");
            Console.WriteLine($"  {"zcat | jq -c '.Records[]'",-30} {jq,7:0.00} s  {decoded / 1e6 / jq,6:0} MB/s  {(same ? "same bytes as s3tail" : "OUTPUT DIFFERS")}");
            double parquetJson = Stats.Median(times["s3tail Parquet -> JSON"]), parquetText = Stats.Median(times["s3tail Parquet --parquet-text"]);
            Console.WriteLine($"Parquet: {parquetCopies} VPC flow log files of 3000 rows:");
            Console.WriteLine($"  {"s3tail Parquet -> JSON",-30} {parquetJson,7:0.00} s  {jsonOut / 1e6 / parquetJson,6:0} MB/s of output ({jsonOut / 1e6:0} MB)");
            Console.WriteLine($"  {"s3tail Parquet --parquet-text",-30} {parquetText,7:0.00} s  {textOut / 1e6 / parquetText,6:0} MB/s of output ({textOut / 1e6:0} MB)");
            return Task.FromResult(same ? 0 : 1);
        }
        finally
        {
            try { Directory.Delete(scratch, true); } catch (IOException) { }
        }
    }

    private static long OutputBytes(string script, string home)
    {
        var path = Path.Combine(home, "out.bin");
        ScriptRun.Run($"{script} > '{path}'", home);
        long length = new FileInfo(path).Length;
        File.Delete(path);
        return length;
    }

    /// <summary>One CloudTrail file, one line, records of about 1 KB in plain ASCII.</summary>
    private static byte[] CloudTrailFile(int seed, int records)
    {
        var random = new Random(seed);
        var sb = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < records; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"AROA").Append(random.Next(100000, 999999))
              .Append(":session\",\"arn\":\"arn:aws:sts::123456789012:assumed-role/app/session\",\"accountId\":\"123456789012\",")
              .Append("\"sessionContext\":{\"attributes\":{\"creationDate\":\"2024-03-01T09:00:00Z\",\"mfaAuthenticated\":\"false\"}}},")
              .Append("\"eventTime\":\"2024-03-01T10:").Append($"{i / 60 % 60:D2}:{i % 60:D2}").Append("Z\",\"eventSource\":\"s3.amazonaws.com\",")
              .Append("\"eventName\":\"").Append(random.Next(4) switch { 0 => "GetObject", 1 => "PutObject", 2 => "HeadObject", _ => "ListObjects" })
              .Append("\",\"awsRegion\":\"eu-west-1\",\"sourceIPAddress\":\"10.0.").Append(random.Next(256)).Append('.').Append(random.Next(256))
              .Append("\",\"userAgent\":\"aws-sdk-java/2.20.0 Linux/5.10 OpenJDK_64-Bit_Server_VM/17\",\"requestParameters\":{\"bucketName\":\"data\",")
              .Append("\"key\":\"part/").Append(random.Next(1_000_000)).Append(".parquet\",\"Host\":\"data.s3.eu-west-1.amazonaws.com\"},")
              .Append("\"responseElements\":null,\"additionalEventData\":{\"bytesTransferredIn\":0,\"bytesTransferredOut\":").Append(random.Next(1 << 20))
              .Append("},\"requestID\":\"").Append(random.NextInt64().ToString("X16")).Append("\",\"eventID\":\"").Append(Guid.NewGuid())
              .Append("\",\"readOnly\":true,\"resources\":[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::data/part\"}],")
              .Append("\"eventType\":\"AwsApiCall\",\"managementEvent\":false,\"recipientAccountId\":\"123456789012\"}");
        }
        return Encoding.ASCII.GetBytes(sb.Append("]}").ToString());
    }
}
