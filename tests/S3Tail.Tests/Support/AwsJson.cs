using System.Text;
using System.Text.Json;

namespace S3Tail.Tests.Support;

/// <summary>
/// JSON objects the way AWS writes them: CloudTrail files (one line, <c>{"Records":[…]}</c>),
/// digest files, Config history files, Firehose deliveries of CloudWatch Logs (documents one
/// after another, no line end between). Expected lines come from <see cref="ReferenceRecords"/>,
/// a naive reference built on <see cref="JsonDocument"/>.
/// </summary>
public static class AwsJson
{
    private static readonly string[] Names = ["GetObject", "PutObject", "AssumeRole", "DescribeInstances", "ListBuckets"];

    /// <summary>One CloudTrail record: nested objects, unicode, escaped quotes and slashes, nulls; every 7th call is denied.</summary>
    public static string CloudTrailRecord(int seed, int i)
    {
        var random = new Random(seed * 7919 + i);
        string name = Names[random.Next(Names.Length)];
        string error = i % 7 == 3 ? ",\"errorCode\":\"AccessDenied\",\"errorMessage\":\"User: arn:aws:iam::123456789012:user/bob is not authorized\"" : "";
        return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA" + random.Next(100000, 999999) +
               "\",\"arn\":\"arn:aws:iam::123456789012:user/bob\",\"sessionContext\":{\"attributes\":{\"mfaAuthenticated\":\"false\"," +
               "\"creationDate\":\"2024-03-01T10:00:00Z\"}}},\"eventTime\":\"2024-03-01T10:" + $"{i / 60 % 60:D2}:{i % 60:D2}" + "Z\"," +
               "\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"" + name + "\",\"awsRegion\":\"eu-west-1\"," +
               "\"sourceIPAddress\":\"10.0." + random.Next(256) + "." + random.Next(256) + "\"," +
               "\"userAgent\":\"[aws-cli/2.15.0 \\\"quoted\\\" caf\u00e9 \\u00e9t\\u00e9 \\/path]\"," +
               "\"requestParameters\":{\"bucketName\":\"logs\",\"key\":\"k/" + i + "\",\"tags\":[1,2.5,-3e2,true,null]},\"responseElements\":null" +
               error + ",\"eventID\":\"" + new Guid(random.Next(), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10) + "\",\"readOnly\":" + (i % 2 == 0 ? "true" : "false") + "}";
    }

    /// <summary>A CloudTrail file: one document on one line, as CloudTrail delivers it (gzipped by the caller).</summary>
    public static byte[] CloudTrailFile(int seed, int records) =>
        Encoding.UTF8.GetBytes("{\"Records\":[" + string.Join(",", Enumerable.Range(0, records).Select(i => CloudTrailRecord(seed, i))) + "]}");

    /// <summary>A CloudTrail digest file: one document with no record array.</summary>
    public static byte[] DigestFile(int seed) => Encoding.UTF8.GetBytes(
        "{\"awsAccountId\":\"123456789012\",\"digestStartTime\":\"2024-03-01T10:00:00Z\",\"digestEndTime\":\"2024-03-01T11:00:00Z\"," +
        "\"digestS3Bucket\":\"trail\",\"digestSignatureAlgorithm\":\"SHA256withRSA\",\"previousDigestSignature\":\"" + new string('a', 40 + seed) + "\"," +
        "\"logFiles\":[{\"s3Bucket\":\"trail\",\"s3Object\":\"AWSLogs/x.json.gz\",\"hashValue\":\"ab12\",\"hashAlgorithm\":\"SHA-256\"}]}");

    /// <summary>A Config history file: fileVersion first, then configurationItems, each with nested configuration.</summary>
    public static byte[] ConfigHistoryFile(int seed, int items) => Encoding.UTF8.GetBytes(
        "{\"fileVersion\":\"1.0\",\"configurationItems\":[" + string.Join(",", Enumerable.Range(0, items).Select(i =>
            "{\"configurationItemVersion\":\"1.3\",\"configurationItemCaptureTime\":\"2024-03-01T10:00:0" + i % 10 + ".000Z\"," +
            "\"configurationStateId\":" + (seed * 1000 + i) + ",\"awsAccountId\":\"123456789012\",\"configurationItemStatus\":\"OK\"," +
            "\"resourceType\":\"AWS::EC2::SecurityGroup\",\"resourceId\":\"sg-" + i + "\",\"relatedEvents\":[],\"relationships\":[{\"resourceId\":\"vpc-1\",\"name\":\"Is contained in Vpc\"}]," +
            "\"configuration\":{\"groupName\":\"g" + i + "\",\"ipPermissions\":[{\"fromPort\":443,\"ipRanges\":[\"0.0.0.0/0\"]}]},\"tags\":{}}")) + "]}");

    /// <summary>A Firehose delivery of a CloudWatch Logs subscription: documents back to back, each with logEvents.</summary>
    public static byte[] FirehoseDelivery(int seed, int documents, int events) => Encoding.UTF8.GetBytes(string.Concat(
        Enumerable.Range(0, documents).Select(d =>
            "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/lambda/f" + seed + "\",\"logStream\":\"2024/03/01/[$LATEST]" + d +
            "\",\"subscriptionFilters\":[\"all\"],\"logEvents\":[" + string.Join(",", Enumerable.Range(0, events).Select(e =>
                "{\"id\":\"" + (36000000000000000L + d * 1000 + e) + "\",\"timestamp\":" + (1709287200000L + e) + ",\"message\":\"START RequestId: " + d + "-" + e + " \\\"x\\\"\\n\"}")) + "]}")));

    /// <summary>
    /// The naive reference: every top-level document in turn; one whose top level is an object with
    /// an array under Records, configurationItems or logEvents gives each element's own text, any
    /// other gives its own text. (Input on one line: a value's own text holds no line end.)
    /// </summary>
    public static byte[] ReferenceRecords(byte[] json)
    {
        var output = new MemoryStream();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { AllowMultipleValues = true });
        while (reader.Read())
        {
            using (var document = JsonDocument.ParseValue(ref reader))
            {
                var root = document.RootElement;
                JsonElement array = default;
                bool expanded = root.ValueKind == JsonValueKind.Object && new[] { "Records", "configurationItems", "logEvents" }
                    .Any(n => root.TryGetProperty(n, out array) && array.ValueKind == JsonValueKind.Array);
                foreach (var value in expanded ? array.EnumerateArray().ToArray() : [root])
                {
                    output.Write(Encoding.UTF8.GetBytes(value.GetRawText()));
                    output.WriteByte((byte)'\n');
                }
            }
        }
        return output.ToArray();
    }
}
