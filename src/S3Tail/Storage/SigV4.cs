using System.Security.Cryptography;
using System.Text;

namespace S3Tail.Storage;

/// <summary>
/// AWS Signature Version 4, as <see cref="DirectGetClient"/> needs it: a request without a body,
/// its path sent already percent-encoded and signed exactly as sent (S3 neither normalizes nor
/// encodes the path again). The steps are public and separate — canonical request, string to
/// sign, signature — so the specs check each against AWS's published test vectors and against
/// the AWS SDK's own signer. The signing key is derived once a day per region and secret.
/// </summary>
internal sealed class SigV4(string region, string service = "s3")
{
    /// <summary>SHA-256 of an empty body, as S3 expects in x-amz-content-sha256 for a GET.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public const string Algorithm = "AWS4-HMAC-SHA256";

    private sealed record DayKey(string Date, string Secret, byte[] Key);

    private DayKey? _signingKey;

    public string Region { get; } = region;
    public string Service { get; } = service;

    /// <summary>
    /// The Authorization header for <paramref name="method"/> of <paramref name="canonicalPath"/>
    /// (percent-encoded, exactly as sent) with <paramref name="headers"/> — every one of them is
    /// signed, so they must include host and x-amz-date (<paramref name="amzDate"/>,
    /// yyyyMMddTHHmmssZ), and x-amz-security-token with temporary credentials.
    /// </summary>
    public string Authorization(string method, string canonicalPath, string canonicalQuery, IReadOnlyList<(string Name, string Value)> headers,
        string payloadHash, string amzDate, string accessKey, string secretKey)
    {
        var (canonical, signedHeaders) = CanonicalRequest(method, canonicalPath, canonicalQuery, headers, payloadHash);
        string scope = Scope(amzDate);
        string signature = Hex(HMACSHA256.HashData(SigningKey(amzDate[..8], secretKey), Encoding.UTF8.GetBytes(StringToSign(amzDate, scope, canonical))));
        return $"{Algorithm} Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
    }

    /// <summary>The credential scope: DATE/REGION/SERVICE/aws4_request.</summary>
    public string Scope(string amzDate) => $"{amzDate[..8]}/{Region}/{Service}/aws4_request";

    /// <summary>
    /// The canonical request and its signed-header list. Header names are lower-cased and sorted;
    /// values trimmed, inner runs of spaces made one; a name given twice has its values joined by
    /// commas in the order given.
    /// </summary>
    public static (string Canonical, string SignedHeaders) CanonicalRequest(string method, string canonicalPath, string canonicalQuery,
        IEnumerable<(string Name, string Value)> headers, string payloadHash)
    {
        var byName = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (name, value) in headers)
        {
            string lower = name.Trim().ToLowerInvariant();
            if (!byName.TryGetValue(lower, out var values)) byName[lower] = values = [];
            values.Add(TrimAll(value));
        }
        var text = new StringBuilder(256).Append(method).Append('\n').Append(canonicalPath).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, values) in byName) text.Append(name).Append(':').AppendJoin(',', values).Append('\n');
        string signedHeaders = string.Join(';', byName.Keys);
        text.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return (text.ToString(), signedHeaders);
    }

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    /// <summary>The hex signature of <paramref name="stringToSign"/>.</summary>
    public string Signature(string amzDate, string secretKey, string stringToSign) =>
        Hex(HMACSHA256.HashData(SigningKey(amzDate[..8], secretKey), Encoding.UTF8.GetBytes(stringToSign)));

    /// <summary>
    /// A query string in canonical form: each name and value percent-encoded as
    /// <see cref="EncodeKey"/> does ('/' too), sorted by name then value, joined by '&amp;'.
    /// </summary>
    public static string CanonicalQuery(IEnumerable<(string Name, string Value)> parameters) =>
        string.Join('&', parameters
            .Select(p => (Name: Encode(p.Name, keepSlash: false), Value: Encode(p.Value, keepSlash: false)))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal)
            .Select(p => $"{p.Name}={p.Value}"));

    private byte[] SigningKey(string date, string secretKey)
    {
        var cached = Volatile.Read(ref _signingKey);
        if (cached is not null && cached.Date == date && cached.Secret == secretKey) return cached.Key;
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Region));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Service));
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        Volatile.Write(ref _signingKey, new DayKey(date, secretKey, key));
        return key;
    }

    /// <summary>
    /// A key as S3 wants it in a path, and in the canonical request alike: every byte of its
    /// UTF-8 percent-encoded except the unreserved characters and '/'.
    /// </summary>
    public static string EncodeKey(string key) => Encode(key, keepSlash: true);

    private static string Encode(string value, bool keepSlash)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var text = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' || (b == (byte)'/' && keepSlash))
                text.Append((char)b);
            else
                text.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
        }
        return text.ToString();
    }

    /// <summary>A header value as signed: trimmed, each inner run of spaces one space.</summary>
    private static string TrimAll(string value)
    {
        var text = new StringBuilder(value.Length);
        bool space = false;
        foreach (char c in value.Trim())
        {
            if (c == ' ')
            {
                if (!space) text.Append(c);
                space = true;
            }
            else
            {
                text.Append(c);
                space = false;
            }
        }
        return text.ToString();
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
