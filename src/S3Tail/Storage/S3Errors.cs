using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace S3Tail.Storage;

/// <summary>The object was listed but is gone now (deleted after the listing).</summary>
internal sealed class ObjectMissingException(string key, Exception inner)
    : Exception($"The object '{key}' no longer exists (deleted after it was listed).", inner)
{
    public string Key { get; } = key;
}

/// <summary>Turns SDK and network exceptions into one sentence naming what failed and what to do.</summary>
internal static class S3Errors
{
    /// <param name="requesterPays">whether the request said it pays (--request-payer): a 403 without it may be a requester-pays bucket</param>
    public static Exception Translate(Exception e, string operation, string? endpoint, string? key = null, bool requesterPays = false)
    {
        string where = endpoint is null ? "AWS S3" : $"the endpoint {endpoint}";
        switch (e)
        {
            case S3TailException or ObjectMissingException:
                return e;
            case AmazonS3Exception s3 when s3.ErrorCode == "NoSuchBucket":
                return S3TailException.Runtime($"Error {operation}: the bucket does not exist at {where}; check the bucket name, --region and --endpoint-url.", e);
            case AmazonS3Exception s3 when key is not null && (s3.ErrorCode == "NoSuchKey" || s3.StatusCode == HttpStatusCode.NotFound):
                return new ObjectMissingException(key, e);
            case AmazonS3Exception s3 when s3.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "ExpiredToken" or "InvalidToken":
                return S3TailException.Runtime($"Error {operation}: the credentials were refused ({s3.ErrorCode}); check AWS_PROFILE, --profile or your access keys.", e);
            case AmazonS3Exception s3 when key is null && s3.StatusCode == HttpStatusCode.NotFound && s3.ErrorCode is null or "NotFound":
                return S3TailException.Runtime($"Error {operation}: {where} answered 404 without an S3 error; check --endpoint-url (the S3 API's address, not a web page).", e);
            case AmazonS3Exception s3 when key is not null && s3.StatusCode == HttpStatusCode.PreconditionFailed:
                return S3TailException.Runtime($"Error {operation}: the object changed after it was listed (its ETag no longer matches); run again to read the new version.", e);
            case AmazonS3Exception s3 when s3.ErrorCode == "InvalidObjectState":
                return S3TailException.Runtime($"Error {operation}: the object is archived (S3 Glacier Flexible Retrieval, Deep Archive, or an archive tier of Intelligent-Tiering) and must be restored before it can be read (aws s3api restore-object); --skip-errors goes on without it.", e);
            case AmazonS3Exception s3 when s3.ErrorCode == "RequestTimeTooSkewed":
                // Transient: the refusal told the SDK (and the direct path) the server's time, and
                // the next attempt is signed with it; only a clock that cannot be corrected fails.
                return new S3TailException(ErrorKind.Runtime, $"Error {operation}: this machine's clock is more than 15 minutes from the server's (RequestTimeTooSkewed); set the clock right (NTP).", e)
                {
                    IsTransient = true,
                };
            case AmazonS3Exception s3 when s3.StatusCode == HttpStatusCode.Forbidden:
                return S3TailException.Runtime(requesterPays
                    ? $"Error {operation}: access denied; check that your credentials may read it (--profile, AWS_PROFILE)."
                    : $"Error {operation}: access denied; check that your credentials may read it (--profile, AWS_PROFILE), and if the bucket is requester-pays, add --request-payer.", e);
            case AmazonS3Exception s3:
                return new S3TailException(ErrorKind.Runtime, $"Error {operation}: {where} answered {(int)s3.StatusCode} {s3.ErrorCode}: {s3.Message}", e)
                {
                    IsTransient = (int)s3.StatusCode >= 500 || s3.ErrorCode is "SlowDown" or "RequestTimeout",
                };
            case AmazonClientException when e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase):
                return S3TailException.Runtime($"Error {operation}: no AWS credentials were found; set AWS_PROFILE or use --profile, or configure access keys.", e);
            case HttpRequestException or SocketException or IOException or TaskCanceledException or TimeoutException:
                return new S3TailException(ErrorKind.Runtime, $"Error {operation}: cannot reach {where} ({Innermost(e).Message.TrimEnd('.')}); check --endpoint-url and the network.", e)
                {
                    IsTransient = true,
                };
            case AmazonServiceException service:
                return new S3TailException(ErrorKind.Runtime, $"Error {operation}: {where} answered {(int)service.StatusCode} {service.ErrorCode}: {service.Message}", e)
                {
                    IsTransient = (int)service.StatusCode >= 500,
                };
            case AmazonClientException client when client.InnerException is not null:
                return Translate(client.InnerException, operation, endpoint, key);
            default:
                return S3TailException.Runtime($"Error {operation}: {e.Message}", e);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
