namespace S3Tail.Storage;

/// <summary>
/// How to reach S3. Anything left null comes from the AWS SDK's default chains (environment
/// variables, shared config and credentials files, SSO, instance roles).
/// </summary>
public sealed record S3Settings(string? Region = null, string? Profile = null, string? EndpointUrl = null)
{
    /// <summary>
    /// The endpoint in effect: the explicit one, else <c>AWS_ENDPOINT_URL_S3</c> or
    /// <c>AWS_ENDPOINT_URL</c>. Null means AWS itself.
    /// </summary>
    public string? EffectiveEndpoint =>
        EndpointUrl
        ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL_S3"))
        ?? NonEmpty(Environment.GetEnvironmentVariable("AWS_ENDPOINT_URL"));

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
