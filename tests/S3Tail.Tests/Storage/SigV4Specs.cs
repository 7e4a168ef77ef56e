using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using S3Tail.Storage;

namespace S3Tail.Tests.Storage;

/// <summary>
/// The hand-written signer against known answers: AWS's published SigV4 test suite (its get-*
/// cases: canonical request, string to sign, signature), S3's own documented GET example, and the
/// AWS SDK's signer on the very requests it sends, for keys that are easy to encode wrong.
/// </summary>
public sealed class SigV4Specs
{
    // The test suite's fixed credentials, time, region and service.
    private const string SuiteAccessKey = "AKIDEXAMPLE";
    private const string SuiteSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private const string SuiteDate = "20150830T123600Z";
    private static readonly SigV4 Suite = new("us-east-1", "service");

    private static (string, string) Host => ("Host", "example.amazonaws.com");
    private static (string, string) Date => ("X-Amz-Date", SuiteDate);

    public static TheoryData<string, string, string, (string, string)[], string> GetVectors => new()
    {
        // name, path as sent, canonical query, headers (in the order sent), signature
        { "get-vanilla", "/", "", [Host, Date], "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-vanilla-query", "/", "", [Host, Date], "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31" },
        { "get-unreserved", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "", [Host, Date],
            "07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f" },
        { "get-utf8", "/" + SigV4.EncodeKey("\u1234"), "", [Host, Date], "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85" },
        { "get-header-key-duplicate", "/", "", [Host, ("My-Header1", "value2"), ("My-Header1", "value2"), ("My-Header1", "value1"), Date],
            "c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea" },
        { "get-header-value-order", "/", "",
            [Host, ("My-Header1", "value4"), ("My-Header1", "value1"), ("My-Header1", "value3"), ("My-Header1", "value2"), Date],
            "08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01" },
        { "get-header-value-trim", "/", "", [Host, ("My-Header1", " value1"), ("My-Header2", " \"a   b   c\""), Date],
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736" },
        { "get-vanilla-empty-query-key", "/", SigV4.CanonicalQuery([("Param1", "value1")]), [Host, Date],
            "a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb" },
        { "get-vanilla-query-order-key-case", "/", SigV4.CanonicalQuery([("Param2", "value2"), ("Param1", "value1")]), [Host, Date],
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500" },
        { "get-vanilla-query-unreserved", "/",
            SigV4.CanonicalQuery([("-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")]),
            [Host, Date], "9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197" },
        { "get-vanilla-utf8-query", "/", SigV4.CanonicalQuery([("\u1234", "bar")]), [Host, Date],
            "2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04" },
    };

    [Theory]
    [MemberData(nameof(GetVectors))]
    public void Should_sign_the_test_suites_get_requests_as_published(string name, string path, string query, (string, string)[] headers, string signature)
    {
        string authorization = Suite.Authorization("GET", path, query, headers, SigV4.EmptyPayloadHash, SuiteDate, SuiteAccessKey, SuiteSecret);

        Assert.True(authorization.EndsWith($", Signature={signature}", StringComparison.Ordinal), $"{name}: {authorization}");
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={SuiteAccessKey}/20150830/us-east-1/service/aws4_request, SignedHeaders=", authorization);
    }

    /// <summary>The suite's intermediate steps, for the cases it publishes them with.</summary>
    [Theory]
    [InlineData("/", "", "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63")]
    [InlineData("/", "Param1=value1&Param2=value2", "GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0")]
    [InlineData("/%E1%88%B4", "", "GET\n/%E1%88%B4\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "2a0a97d02205e45ce2e994789806b19270cfbbb0921b278ccf58f5249ac42102")]
    public void Should_build_the_test_suites_canonical_request_and_string_to_sign(string path, string query, string canonical, string canonicalHash)
    {
        var (built, signedHeaders) = SigV4.CanonicalRequest("GET", path, query, [Host, Date], SigV4.EmptyPayloadHash);

        Assert.Equal(canonical, built);
        Assert.Equal("host;x-amz-date", signedHeaders);
        Assert.Equal($"AWS4-HMAC-SHA256\n{SuiteDate}\n20150830/us-east-1/service/aws4_request\n{canonicalHash}",
            SigV4.StringToSign(SuiteDate, Suite.Scope(SuiteDate), built));
    }

    /// <summary>S3's documented example: GET /test.txt with a Range, signed for s3 in us-east-1.</summary>
    [Fact]
    public void Should_sign_the_S3_documentations_get_object_example()
    {
        const string date = "20130524T000000Z";
        var s3 = new SigV4("us-east-1");
        (string, string)[] headers =
        [
            ("Host", "examplebucket.s3.amazonaws.com"), ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", SigV4.EmptyPayloadHash), ("x-amz-date", date),
        ];

        var (canonical, signedHeaders) = SigV4.CanonicalRequest("GET", "/test.txt", "", headers, SigV4.EmptyPayloadHash);
        Assert.Equal("host;range;x-amz-content-sha256;x-amz-date", signedHeaders);
        Assert.EndsWith("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972", SigV4.StringToSign(date, s3.Scope(date), canonical));
        Assert.Equal(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            s3.Authorization("GET", "/test.txt", "", headers, SigV4.EmptyPayloadHash, date, "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
    }

    public static TheoryData<string, string?> AwkwardKeys => new()
    {
        { "logs/plain-2016-09-11", null },
        { "logs/with space and+plus=equals", null },
        { "logs/tilde~under_score-dash.dot", null },
        { "logs//double//slash/", null },
        { "logs/é-ü-日本-😀", null },
        { "logs/100% done;semi,comma:colon#hash?question&amp", null },
        { "logs/with space and+plus=equals", "FwoGZXIvYXdzEJr//////////wEaDH+token=with/slashes" },
        { "logs/é-ü-日本-😀", "IQoJb3JpZ2luX2VjEHAaCXVzLWVhc3QtMSJGMEQCIB token  with  spaces " },
    };

    /// <summary>
    /// The AWS SDK signs a GET of each key (its own request, sent to a listener that records it);
    /// the hand-written signer, given the path and headers the SDK sent, must find the same
    /// signature, and the path must be the one the direct GET path sends for that key.
    /// </summary>
    [Theory]
    [MemberData(nameof(AwkwardKeys))]
    public async Task Should_sign_what_the_AWS_SDK_signs_for_the_same_request(string key, string? sessionToken)
    {
        const string accessKey = "AKIAIOSFODNN7EXAMPLE", secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
        var seen = await SdkGetAsync(key, accessKey, secret, sessionToken);

        Assert.Equal("/logs-bucket/" + SigV4.EncodeKey(key), seen.RawPath);
        var match = System.Text.RegularExpressions.Regex.Match(seen.Headers["Authorization"]!,
            @"^AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/s3/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$");
        Assert.True(match.Success, seen.Headers["Authorization"]);
        string region = match.Groups[3].Value, signedHeaders = match.Groups[4].Value, sdkSignature = match.Groups[5].Value;
        var headers = signedHeaders.Split(';').Select(n => (n, seen.Headers[n] ?? "")).ToList();
        if (sessionToken is not null) Assert.Contains("x-amz-security-token", signedHeaders.Split(';'));
        var signer = new SigV4(region);
        string amzDate = seen.Headers["x-amz-date"]!;

        var (canonical, ours) = SigV4.CanonicalRequest("GET", seen.RawPath, "", headers, seen.Headers["x-amz-content-sha256"]!);

        Assert.Equal(signedHeaders, ours);
        Assert.Equal(sdkSignature, signer.Signature(amzDate, secret, SigV4.StringToSign(amzDate, signer.Scope(amzDate), canonical)));
        // And the SDK's own final step agrees on our canonical request.
        Assert.Equal(sdkSignature, Amazon.Runtime.Internal.Auth.AWS4Signer.ComputeSignature(accessKey, secret, region,
            DateTime.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
            "s3", signedHeaders, canonical).Signature);
    }

    private sealed record SeenRequest(string RawPath, WebHeaderCollection Headers);

    /// <summary>Has the AWS SDK send a GET of <paramref name="key"/> to a local listener, and returns what arrived.</summary>
    private static async Task<SeenRequest> SdkGetAsync(string key, string accessKey, string secret, string? sessionToken)
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        AWSCredentials credentials = sessionToken is null
            ? new BasicAWSCredentials(accessKey, secret)
            : new SessionAWSCredentials(accessKey, secret, sessionToken);
        using var client = new AmazonS3Client(credentials, new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{port}", ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0,
        });
        var get = client.GetObjectAsync(new GetObjectRequest { BucketName = "logs-bucket", Key = key });
        var context = await listener.GetContextAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var seen = new SeenRequest(context.Request.RawUrl!.Split('?')[0], (WebHeaderCollection)context.Request.Headers);
        context.Response.StatusCode = 404;
        context.Response.Close();
        await Assert.ThrowsAnyAsync<AmazonServiceException>(() => get);
        return seen;
    }
}
