using System.Security.Cryptography;
using System.Text;

namespace S3Tail.Storage;

/// <summary>
/// AWS Signature Version 4 for one kind of request: an S3 GET of an object, no query string, no
/// body. Kept this narrow on purpose: it is the whole of what <see cref="DirectGetClient"/> sends,
/// and everything else goes through the SDK. The signing key is derived once a day per region.
/// </summary>
internal sealed class SigV4(string region)
{
    /// <summary>SHA-256 of an empty body, as S3 expects in x-amz-content-sha256 for a GET.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private sealed record DayKey(string Date, string Secret, byte[] Key);

    private DayKey? _signingKey;

    public string Region { get; } = region;

    /// <summary>
    /// The Authorization header for a GET of <paramref name="canonicalPath"/> (already
    /// percent-encoded, exactly as sent) on <paramref name="host"/> at <paramref name="amzDate"/>
    /// (yyyyMMddTHHmmssZ), signing host, x-amz-content-sha256, x-amz-date and the session token.
    /// </summary>
    public string Authorization(string host, string canonicalPath, string amzDate, string accessKey, string secretKey, string? sessionToken)
    {
        string date = amzDate[..8];
        string scope = $"{date}/{Region}/s3/aws4_request";
        string signedHeaders = sessionToken is null
            ? "host;x-amz-content-sha256;x-amz-date"
            : "host;x-amz-content-sha256;x-amz-date;x-amz-security-token";
        var canonical = new StringBuilder(256)
            .Append("GET\n").Append(canonicalPath).Append("\n\n")
            .Append("host:").Append(host).Append('\n')
            .Append("x-amz-content-sha256:").Append(EmptyPayloadHash).Append('\n')
            .Append("x-amz-date:").Append(amzDate).Append('\n');
        if (sessionToken is not null) canonical.Append("x-amz-security-token:").Append(sessionToken.Trim()).Append('\n');
        canonical.Append('\n').Append(signedHeaders).Append('\n').Append(EmptyPayloadHash);

        string stringToSign = $"AWS4-HMAC-SHA256\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())))}";
        var signature = HMACSHA256.HashData(SigningKey(date, secretKey), Encoding.UTF8.GetBytes(stringToSign));
        return $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders={signedHeaders}, Signature={Hex(signature)}";
    }

    private byte[] SigningKey(string date, string secretKey)
    {
        var cached = Volatile.Read(ref _signingKey);
        if (cached is not null && cached.Date == date && cached.Secret == secretKey) return cached.Key;
        byte[] key = HMACSHA256.HashData(Encoding.UTF8.GetBytes("AWS4" + secretKey), Encoding.UTF8.GetBytes(date));
        key = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(Region));
        key = HMACSHA256.HashData(key, "s3"u8);
        key = HMACSHA256.HashData(key, "aws4_request"u8);
        Volatile.Write(ref _signingKey, new DayKey(date, secretKey, key));
        return key;
    }

    /// <summary>
    /// A key as S3 wants it in a path, and in the canonical request alike: every byte of its
    /// UTF-8 percent-encoded except the unreserved characters and '/'.
    /// </summary>
    public static string EncodeKey(string key)
    {
        var bytes = Encoding.UTF8.GetBytes(key);
        var text = new StringBuilder(bytes.Length + 16);
        foreach (byte b in bytes)
        {
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)'/')
                text.Append((char)b);
            else
                text.Append('%').Append(HexDigits[b >> 4]).Append(HexDigits[b & 0xF]);
        }
        return text.ToString();
    }

    private const string HexDigits = "0123456789ABCDEF";

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
