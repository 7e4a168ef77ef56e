using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;
using Amazon.S3.Model;
using S3Tail.Logging;

namespace S3Tail.Storage;

/// <summary>An S3 bucket (or an S3-compatible endpoint, addressed path-style).</summary>
public sealed class S3ObjectSource : IObjectSource
{
    private readonly IAmazonS3 _client;
    private readonly DirectGetClient? _direct;
    private readonly string? _endpoint;
    private readonly string? _endpointShown;   // without any user:password@ in it
    private readonly bool _requesterPays;

    /// <param name="log">where the GET path says, at debug, when it hands a GET to the AWS SDK</param>
    public S3ObjectSource(string bucket, S3Settings settings, ILog? log = null)
    {
        BucketName = bucket;
        _endpoint = settings.EffectiveEndpoint;
        _endpointShown = S3Settings.Redact(_endpoint);
        var config = CreateConfig(settings, _endpoint);
        _client = new AmazonS3Client(config);
        _requesterPays = settings.RequesterPays;
        _direct = DirectGetClient.TryCreate(_client, config, bucket, settings.RequesterPays, log ?? NullLog.Instance);
    }

    public string BucketName { get; }

    public string CacheIdentity => $"{_endpoint ?? ""}|{BucketName}";

    public bool ReadsInPlace => false;

    public string Describe(string key) => $"s3://{BucketName}/{key}";

    public async Task<ListPage> ListAsync(string prefix, string? startAfter, int maxKeys, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request
        {
            BucketName = BucketName,
            Prefix = prefix,
            MaxKeys = maxKeys,
            StartAfter = string.IsNullOrEmpty(startAfter) ? null : startAfter,
            RequestPayer = _requesterPays ? RequestPayer.Requester : null,
        };
        try
        {
            var response = await _client.ListObjectsV2Async(request, cancellationToken).ConfigureAwait(false);
            // Every S3 listing names its bucket; a web server's page parses as an empty listing.
            if (string.IsNullOrEmpty(response.Name))
                throw S3TailException.Runtime(
                    $"Error listing s3://{BucketName}/{prefix}: {(_endpointShown is null ? "AWS S3" : $"the endpoint {_endpointShown}")} did not answer as S3 does; check --endpoint-url (the S3 API's address, not a web page).");
            // SDK v4 returns null for an empty page and nullable flags.
            var objects = response.S3Objects?.Select(o => new ObjectInfo(o.Key, o.ETag ?? "", o.Size ?? 0)).ToList()
                          ?? [];
            return new ListPage(objects, response.IsTruncated == true && objects.Count > 0);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Translate(e, $"listing s3://{BucketName}/{prefix}", _endpointShown, requesterPays: _requesterPays);
        }
    }

    public Task<Stream> OpenReadAsync(ObjectInfo info, long offset, CancellationToken cancellationToken) =>
        GetAsync(info, offset, null, cancellationToken);

    public Task<Stream> OpenRangeAsync(ObjectInfo info, long offset, long length, CancellationToken cancellationToken) =>
        GetAsync(info, offset, length, cancellationToken);

    /// <summary>
    /// True once a server answered a ranged GET with the whole object: large objects are then
    /// fetched as one GET, since a part would cost the whole head of the object.
    /// </summary>
    internal bool IgnoresRanges => _ignoresRanges;
    private volatile bool _ignoresRanges;

    private async Task<Stream> GetAsync(ObjectInfo info, long offset, long? length, CancellationToken cancellationToken)
    {
        string? range = length is { } l ? $"bytes={offset}-{offset + l - 1}" : offset > 0 ? $"bytes={offset}-" : null;
        string what = $"s3://{BucketName}/{info.Key}";
        (Stream Body, int Status, string? ContentRange)? answer = null;
        try
        {
            if (_direct is not null && await _direct.GetAsync(info.Key, info.ETag, range, cancellationToken).ConfigureAwait(false) is { } direct)
                answer = (direct.Body, direct.Status, direct.ContentRange);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw S3Errors.Translate(e, $"reading {what}", _endpointShown, info.Key, _requesterPays);
        }
        if (answer is null)
        {
            var request = new GetObjectRequest
            {
                BucketName = BucketName, Key = info.Key, ByteRange = range is null ? null : new ByteRange(range),
                RequestPayer = _requesterPays ? RequestPayer.Requester : null,
            };
            // Every GET reads the version that was listed: an object replaced since would be cached
            // under the old ETag, and a continuation (or a part) would splice two versions.
            if (info.ETag.Length > 0) request.EtagToMatch = info.ETag;
            try
            {
                var response = await _client.GetObjectAsync(request, cancellationToken).ConfigureAwait(false);
                answer = (new ResponseStream(response), (int)response.HttpStatusCode, response.ContentRange);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                throw S3Errors.Translate(e, $"reading {what}", _endpointShown, info.Key, _requesterPays);
            }
        }
        var (body, status, contentRange) = answer.Value;
        if (range is not null && status == 200) _ignoresRanges = true;
        return RangedAnswer.Check(body, offset, length, status, contentRange, what);
    }

    public void Dispose()
    {
        _direct?.Dispose();
        _client.Dispose();
    }

    private static AmazonS3Config CreateConfig(S3Settings settings, string? endpoint)
    {
        var config = new AmazonS3Config
        {
            // s3rver, MinIO and friends do not all speak the newer flexible checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            // s3tail retries itself (RetryPolicy), continuing a cut body where it broke; SDK
            // retries underneath would multiply the attempts and blur the bound.
            MaxErrorRetry = 0,
        };
        if (settings.Profile is not null)
        {
            if (!new CredentialProfileStoreChain().TryGetProfile(settings.Profile, out _))
                throw S3TailException.Usage($"The AWS profile '{settings.Profile}' is not in the shared config or credentials file.");
            config.Profile = new Profile(settings.Profile);
        }
        // Named once, as the SDK and the CLI name it, for the SDK's requests and the direct GET
        // path's signatures alike. With an endpoint only the signature needs it; S3 itself answers
        // every bucket's listing through us-east-1 with a redirect hint the SDK follows.
        string region = settings.ResolveRegion() ?? "us-east-1";
        if (endpoint is not null)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
                throw S3TailException.Usage($"The endpoint URL '{S3Settings.Redact(endpoint)}' is not an http:// or https:// URL.");
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        return config;
    }

    /// <summary>Keeps the response (and its connection) alive exactly as long as its body stream.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : ReadOnlyStream
    {
        private readonly Stream _body = response.ResponseStream;
        public override int Read(Span<byte> buffer) => _body.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            _body.ReadAsync(buffer, cancellationToken);
        protected override void Dispose(bool disposing)
        {
            if (disposing) response.Dispose();
            base.Dispose(disposing);
        }
    }
}
