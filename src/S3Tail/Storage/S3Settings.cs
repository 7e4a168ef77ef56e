namespace S3Tail.Storage;

/// <summary>
/// How to reach S3. Anything left null comes from the AWS SDK's default chains (environment
/// variables, shared config and credentials files, SSO, instance roles).
/// <paramref name="RequesterPays"/> sends <c>x-amz-request-payer: requester</c> with every
/// listing and GET: a requester-pays bucket refuses (403) any request without it.
/// </summary>
public sealed record S3Settings(string? Region = null, string? Profile = null, string? EndpointUrl = null, bool RequesterPays = false)
{
    /// <summary>
    /// The endpoint in effect: the explicit one, else <c>AWS_ENDPOINT_URL_S3</c> or
    /// <c>AWS_ENDPOINT_URL</c>. Null means AWS itself.
    /// </summary>
    public string? EffectiveEndpoint =>
        EndpointUrl
        ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3"))
        ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));

    /// <summary>An endpoint fit for a message or a log: any <c>user:password@</c> in it is replaced by <c>***@</c>.</summary>
    public static string? Redact(string? endpoint) => ReplaceUserInfo(endpoint, "***@");

    /// <summary>An endpoint fit to travel to another machine: any <c>user:password@</c> in it is dropped.</summary>
    public static string? WithoutUserInfo(string? endpoint) => ReplaceUserInfo(endpoint, "");

    private static string? ReplaceUserInfo(string? endpoint, string with)
    {
        if (endpoint is null) return null;
        int scheme = endpoint.IndexOf("://", StringComparison.Ordinal);
        int start = scheme < 0 ? 0 : scheme + 3;
        int end = endpoint.IndexOfAny(['/', '?', '#'], start);
        int at = endpoint.LastIndexOf('@', end < 0 ? endpoint.Length - 1 : end - 1);
        return at >= start ? endpoint[..start] + with + endpoint[(at + 1)..] : endpoint;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
