using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.S3.Model;

namespace S3Tail.Storage;

/// <summary>
/// Object GETs sent straight through <see cref="HttpClient"/>, signed with <see cref="SigV4"/>.
/// Measured on small access logs, the SDK's request pipeline cost about as much client CPU as
/// everything else s3tail does per object; a bare signed GET costs half of it. The SDK still
/// decides everything that needs judgement: it resolves the endpoint, the signing region and the
/// credentials (with their refresh), lists, and takes over for good at the first answer this
/// class does not expect (a redirect, a 400, a refused signature, a TLS failure, an
/// authentication scheme other than SigV4), so the two paths never disagree on what a bucket is.
/// Errors it does expect (404, 412, 416, 403 AccessDenied, 5xx) become the same
/// <see cref="AmazonS3Exception"/>s the SDK would throw, so retries and messages are unchanged.
/// </summary>
internal sealed class DirectGetClient : IDisposable
{
    private readonly IAmazonS3 _sdk;
    private readonly AmazonS3Config _config;
    private readonly string _bucket;
    private readonly HttpClient _http;
    private readonly Lazy<Task<Target?>> _target;
    private volatile bool _handedOver;

    private DirectGetClient(IAmazonS3 sdk, AmazonS3Config config, string bucket)
    {
        _sdk = sdk;
        _config = config;
        _bucket = bucket;
        _http = new HttpClient(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(50),
            ConnectTimeout = TimeSpan.FromSeconds(30),
        })
        {
            // The caller bounds every wait (--timeout, as a stall); no second clock here.
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestHeaders = { { "User-Agent", UserAgent } },
        };
        _target = new Lazy<Task<Target?>>(ResolveAsync);
    }

    /// <summary>
    /// The direct path, or null with S3TAIL_SDK_GETS=1: a way out, should some network setup need
    /// the SDK's own HTTP client. (Both trust the system's certificates and honour the same proxy
    /// variables; the .NET SDK does not read AWS_CA_BUNDLE.)
    /// </summary>
    public static DirectGetClient? TryCreate(IAmazonS3 sdk, AmazonS3Config config, string bucket)
    {
        if (Environment.GetEnvironmentVariable("S3TAIL_SDK_GETS") == "1") return null;
        return new DirectGetClient(sdk, config, bucket);
    }

    /// <summary>How these GETs name themselves in server logs (the SDK's say aws-sdk-dotnet).</summary>
    public static readonly string UserAgent =
        $"s3tail/{typeof(DirectGetClient).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    /// <summary>An answer with a body: its status (200 or 206) and Content-Range, for <see cref="RangedAnswer"/> to check.</summary>
    public sealed record Answer(Stream Body, int Status, string? ContentRange);

    /// <summary>
    /// The body of the object (from <paramref name="range"/>, e.g. "bytes=10-", when given), pinned
    /// to <paramref name="etag"/>; null when the SDK must do this GET (and every later one).
    /// </summary>
    public async Task<Answer?> GetAsync(string key, string etag, string? range, CancellationToken cancellationToken)
    {
        if (_handedOver) return null;
        var target = await _target.Value.ConfigureAwait(false);
        if (target is null) return HandOver();
        ImmutableCredentials credentials;
        try
        {
            credentials = await target.Credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or IOException or HttpRequestException)
        {
            return HandOver();
        }
        if (credentials is null || string.IsNullOrEmpty(credentials.AccessKey)) return HandOver();

        string path = target.BasePath + SigV4.EncodeKey(key);
        var uri = new Uri(target.Origin + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        string amzDate = DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        var headers = request.Headers;
        headers.Host = target.Host;
        headers.TryAddWithoutValidation("x-amz-date", amzDate);
        headers.TryAddWithoutValidation("x-amz-content-sha256", SigV4.EmptyPayloadHash);
        string? token = credentials.UseToken ? credentials.Token : null;
        if (token is not null) headers.TryAddWithoutValidation("x-amz-security-token", token);
        if (etag.Length > 0) headers.TryAddWithoutValidation("If-Match", etag);
        if (range is not null) headers.TryAddWithoutValidation("Range", range);
        headers.TryAddWithoutValidation("Authorization",
            target.Signer.Authorization(target.Host, path, amzDate, credentials.AccessKey, credentials.SecretKey, token));

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
        {
            return HandOver();
        }
        int status = (int)response.StatusCode;
        if (status is 200 or 206)
            return new Answer(new ResponseBody(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)),
                status, response.Content.Headers.ContentRange?.ToString());
        using (response)
        {
            var (code, message, requestId) = await ReadErrorAsync(response, cancellationToken).ConfigureAwait(false);
            bool expected = status is 404 or 412 or 416 or >= 500
                            || (status == 403 && code is "AccessDenied" or "AllAccessDisabled" or "AccountProblem");
            if (!expected) return HandOver();
            throw new AmazonS3Exception(message ?? response.ReasonPhrase ?? $"HTTP {status}",
                status >= 500 ? ErrorType.Receiver : ErrorType.Sender, code, requestId, response.StatusCode);
        }
    }

    private Answer? HandOver()
    {
        _handedOver = true;
        return null;
    }

    private async Task<Target?> ResolveAsync()
    {
        try
        {
            var endpoint = _sdk.DetermineServiceOperationEndpoint(new GetObjectRequest { BucketName = _bucket, Key = "k" });
            if (!Uri.TryCreate(endpoint.URL, UriKind.Absolute, out var url) || url.Query.Length > 0 || url.UserInfo.Length > 0)
                return null;
            string? region = null;
            if (endpoint.Attributes?["authSchemes"] is System.Collections.IEnumerable schemes)
                foreach (var scheme in schemes)
                {
                    if (scheme is not Amazon.Runtime.Endpoints.IPropertyBag bag) continue;
                    // Only plain SigV4 for s3 (not SigV4a, not S3 Express sessions).
                    if (bag["name"] as string != "sigv4" || (bag["signingName"] as string ?? "s3") != "s3") return null;
                    region = bag["signingRegion"] as string;
                    break;
                }
            region = _config.AuthenticationRegion ?? region ?? _config.RegionEndpoint?.SystemName;
            if (string.IsNullOrEmpty(region)) return null;
            var credentials = await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(_config).ConfigureAwait(false);
            if (credentials is null or AnonymousAWSCredentials) return null;
            string basePath = url.AbsolutePath.EndsWith('/') ? url.AbsolutePath : url.AbsolutePath + "/";
            return new Target($"{url.Scheme}://{url.Authority}", url.Authority, basePath, new SigV4(region), credentials);
        }
        catch (Exception e) when (e is AmazonClientException or IOException or HttpRequestException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }

    private static async Task<(string? Code, string? Message, string? RequestId)> ReadErrorAsync(HttpResponseMessage response,
        CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (body.Length == 0 || body.Length > 64 * 1024) return (null, null, null);
            var error = XDocument.Parse(body).Root;
            return (error?.Element("Code")?.Value, error?.Element("Message")?.Value, error?.Element("RequestId")?.Value);
        }
        catch (System.Xml.XmlException)
        {
            return (null, null, null);
        }
    }

    public void Dispose() => _http.Dispose();

    /// <param name="Origin">scheme://host[:port]</param>
    /// <param name="Host">the Host header, as signed</param>
    /// <param name="BasePath">the path before the key: "/" for virtual-hosted buckets, "/BUCKET/" for path style</param>
    private sealed record Target(string Origin, string Host, string BasePath, SigV4 Signer, AWSCredentials Credentials);

    /// <summary>Keeps the response (and its connection) as long as its body is read.</summary>
    private sealed class ResponseBody(HttpResponseMessage response, Stream body) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer) => body.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            body.ReadAsync(buffer, cancellationToken);
        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                body.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
