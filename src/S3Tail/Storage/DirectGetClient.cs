using System.Globalization;
using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.S3.Model;
using S3Tail.Logging;

namespace S3Tail.Storage;

/// <summary>
/// Object GETs sent straight through <see cref="HttpClient"/>, signed with <see cref="SigV4"/>.
/// Measured on small access logs, the SDK's request pipeline cost about as much client CPU as
/// everything else s3tail does per object; a bare signed GET costs half of it. The SDK still
/// decides everything that needs judgement: it resolves the endpoint, the signing region and the
/// credentials (with their refresh), lists, and takes over for good at the first answer this
/// class does not expect about the bucket or the endpoint (a redirect, a malformed authorization, a refused signature, a TLS failure, an
/// authentication scheme other than SigV4), so the two paths never disagree on what a bucket is;
/// an unexpected answer about one object sends only that GET through the SDK.
/// Errors it does expect (404, 412, 416, 403 AccessDenied, InvalidObjectState, 5xx) become the same
/// <see cref="AmazonS3Exception"/>s the SDK would throw, so retries and messages are unchanged.
/// </summary>
internal sealed class DirectGetClient : IDisposable
{
    private readonly IAmazonS3 _sdk;
    private readonly AmazonS3Config _config;
    private readonly string _bucket;
    private readonly HttpClient _http;
    private readonly Lazy<Task<Target?>> _target;
    private readonly bool _requesterPays;
    private readonly ILog _log;
    private readonly ClockCorrection _clock;
    private volatile bool _handedOver;

    private DirectGetClient(IAmazonS3 sdk, AmazonS3Config config, string bucket, bool requesterPays, ILog log)
    {
        _sdk = sdk;
        _config = config;
        _bucket = bucket;
        _requesterPays = requesterPays;
        _log = log;
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
        // The SDK keeps its correction under the endpoint's URL with the bucket's path, as the
        // direct path addresses it (https://bucket.s3.region.amazonaws.com/, http://host:port/bucket/).
        _clock = new ClockCorrection(AWSConfigs.CorrectForClockSkew && !config.DisableClockSkewCorrection,
            () => _target.Value is { IsCompletedSuccessfully: true, Result: { } t } ? CorrectClockSkew.GetClockCorrectionForEndpoint(t.Origin + t.BasePath) : TimeSpan.Zero);
    }

    /// <summary>
    /// The direct path, or null with S3TAIL_SDK_GETS=1: a way out, should some network setup need
    /// the SDK's own HTTP client. (Both trust the system's certificates and honour the same proxy
    /// variables; the .NET SDK does not read AWS_CA_BUNDLE.)
    /// </summary>
    public static DirectGetClient? TryCreate(IAmazonS3 sdk, AmazonS3Config config, string bucket, bool requesterPays, ILog log)
    {
        if (Environment.GetEnvironmentVariable("S3TAIL_SDK_GETS") == "1") return null;
        return new DirectGetClient(sdk, config, bucket, requesterPays, log);
    }

    /// <summary>How these GETs name themselves in server logs (the SDK's say aws-sdk-dotnet).</summary>
    public static readonly string UserAgent =
        $"s3tail/{typeof(DirectGetClient).Assembly.GetName().Version?.ToString(3) ?? "0"}";

    /// <summary>An answer with a body: its status (200 or 206) and Content-Range, for <see cref="RangedAnswer"/> to check.</summary>
    internal sealed record Answer(Stream Body, int Status, string? ContentRange);

    /// <summary>
    /// The body of the object (from <paramref name="range"/>, e.g. "bytes=10-", when given), pinned
    /// to <paramref name="etag"/>; null when the SDK must do this GET (and, for an answer about the
    /// bucket or the endpoint rather than this object, every later one).
    /// </summary>
    public async Task<Answer?> GetAsync(string key, string etag, string? range, CancellationToken cancellationToken)
    {
        if (_handedOver) return null;
        var target = await _target.Value.ConfigureAwait(false);
        if (target is null) return HandOver(key, "the SDK resolved no plain SigV4 endpoint with credentials for it", forGood: true);
        ImmutableCredentials credentials;
        try
        {
            credentials = await target.Credentials.GetCredentialsAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AmazonClientException or IOException or HttpRequestException)
        {
            return HandOver(key, $"its credentials could not be had ({e.Message.TrimEnd('.')})", forGood: true);
        }
        if (credentials is null || string.IsNullOrEmpty(credentials.AccessKey)) return HandOver(key, "there are no credentials", forGood: true);

        string path = target.BasePath + SigV4.EncodeKey(key);
        var uri = new Uri(target.Origin + path, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true });
        for (bool clockCorrected = false; ; clockCorrected = true)
        {
            DateTime sentAt = DateTime.UtcNow;
            var signedWith = _clock.Correction;
            string amzDate = (sentAt + signedWith).ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            var signed = new List<(string, string)>(6)
            {
                ("host", target.Host), ("x-amz-date", amzDate), ("x-amz-content-sha256", SigV4.EmptyPayloadHash),
            };
            if (credentials.UseToken && credentials.Token is { } token) signed.Add(("x-amz-security-token", token));
            if (_requesterPays) signed.Add(("x-amz-request-payer", "requester"));
            var headers = request.Headers;
            headers.Host = target.Host;
            foreach (var (name, value) in signed.Skip(1)) headers.TryAddWithoutValidation(name, value);
            if (etag.Length > 0) headers.TryAddWithoutValidation("If-Match", etag);
            if (range is not null) headers.TryAddWithoutValidation("Range", range);
            headers.TryAddWithoutValidation("Authorization",
                target.Signer.Authorization("GET", path, "", signed, SigV4.EmptyPayloadHash, amzDate, credentials.AccessKey, credentials.SecretKey));

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError)
            {
                return HandOver(key, $"TLS failed ({e.Message.TrimEnd('.')})", forGood: true);
            }
            int status = (int)response.StatusCode;
            if (status is 200 or 206)
                return new Answer(new ResponseBody(response, await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false)),
                    status, response.Content.Headers.ContentRange?.ToString());
            using (response)
            {
                var error = await S3ErrorAnswer.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                string? code = error.Code;
                // A clock off S3's by more than 15 minutes: corrected from the server's time as the
                // SDK corrects its own, and the GET signed again, once.
                if (status == 403 && code == "RequestTimeTooSkewed" && !clockCorrected
                    && _clock.Learn(error.ServerTime ?? response.Headers.Date?.UtcDateTime, sentAt, DateTime.UtcNow, signedWith))
                {
                    _log.Debug($"direct GET of '{key}': the server's clock is {_clock.Correction.TotalSeconds:0} s from this machine's; signing with its time.");
                    continue;
                }
                switch (Judge(status, code))
                {
                    case Verdict.HandOverForGood:
                        return HandOver(key, $"the server answered {status} {code}, about the bucket or the endpoint", forGood: true);
                    case Verdict.HandOverThisOne:
                        return HandOver(key, $"the server answered {status} {code}", forGood: false);
                }
                throw new AmazonS3Exception(error.Message ?? response.ReasonPhrase ?? $"HTTP {status}",
                    status >= 500 ? ErrorType.Receiver : ErrorType.Sender, code, error.RequestId, response.StatusCode);
            }
        }
    }

    private enum Verdict { Expected, HandOverThisOne, HandOverForGood }

    /// <summary>
    /// What an error answer means for this path. Expected ones become the exception the SDK would
    /// throw. Answers about the bucket, the endpoint or the signature (a redirect to another region,
    /// a malformed authorization, a refused signature) send this GET and every later one through
    /// the SDK, which knows how to follow them; any other unexpected answer concerns one object, and
    /// only its GET goes through the SDK.
    /// </summary>
    private static Verdict Judge(int status, string? code)
    {
        if (status is 404 or 412 or 416 or >= 500) return Verdict.Expected;
        if (status == 403 && code is "AccessDenied" or "AllAccessDisabled" or "AccountProblem" or "InvalidObjectState" or "RequestTimeTooSkewed")
            return Verdict.Expected;
        if (status is >= 300 and < 400) return Verdict.HandOverForGood;
        if (code is "AuthorizationHeaderMalformed" or "PermanentRedirect" or "TemporaryRedirect" or "IllegalLocationConstraintException"
            or "SignatureDoesNotMatch" or "InvalidAccessKeyId" or "InvalidToken" or "ExpiredToken" or "TokenRefreshRequired"
            or "InvalidSecurity" or "MissingSecurityHeader" or "AuthorizationQueryParametersError")
            return Verdict.HandOverForGood;
        return Verdict.HandOverThisOne;
    }

    private Answer? HandOver(string key, string why, bool forGood)
    {
        if (forGood && !_handedOver)
        {
            _handedOver = true;
            _log.Debug($"direct GET of '{key}': {why}; this GET and every later one go through the AWS SDK.");
        }
        else if (!forGood)
            _log.Debug($"direct GET of '{key}': {why}; this GET goes through the AWS SDK.");
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

    public void Dispose() => _http.Dispose();

    /// <param name="Origin">scheme://host[:port]</param>
    /// <param name="Host">the Host header, as signed</param>
    /// <param name="BasePath">the path before the key: "/" for virtual-hosted buckets, "/BUCKET/" for path style</param>
    private sealed record Target(string Origin, string Host, string BasePath, SigV4 Signer, AWSCredentials Credentials);
}
