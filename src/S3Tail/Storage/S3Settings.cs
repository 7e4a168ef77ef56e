using Amazon.Runtime.CredentialManagement;

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

    /// <summary>
    /// The region named for this run, found as the AWS SDK and CLI find it: <see cref="Region"/>
    /// (the option or the config file), <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, then the
    /// <c>region</c> of the profile (<see cref="Profile"/>, else <c>AWS_PROFILE</c>, else
    /// <c>default</c>) in the shared config file. Null when none names one: the caller decides
    /// (us-east-1 for a signature).
    /// </summary>
    public string? ResolveRegion(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        return NonEmpty(Region) ?? NonEmpty(environment("AWS_REGION")) ?? NonEmpty(environment("AWS_DEFAULT_REGION"))
               ?? ProfileRegion(NonEmpty(Profile) ?? NonEmpty(environment("AWS_PROFILE")) ?? "default");
    }

    /// <summary>The region in a profile of the shared config (and credentials) files (AWS_CONFIG_FILE, ~/.aws/config); null when it has none.</summary>
    private static string? ProfileRegion(string profile)
    {
        try
        {
            return new CredentialProfileStoreChain().TryGetProfile(profile, out var found) ? NonEmpty(found.Region?.SystemName) : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException)
        {
            return null;   // an unreadable file names no region; the credentials lookup reports it
        }
    }

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

    /// <summary>AWS region names are lower-case words and numbers joined by dashes (us-west-2, us-gov-east-1).</summary>
    public static bool IsRegionName(string text) =>
        text.Length is > 0 and <= 64 && text.Split('-').All(part => part.Length > 0 && part.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)));
}
