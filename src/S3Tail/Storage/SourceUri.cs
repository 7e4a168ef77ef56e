using System.Text.RegularExpressions;

namespace S3Tail.Storage;

/// <summary>
/// Where the logs are: an S3 bucket and key prefix, or a local folder used as a bucket (its
/// deepest existing folder is the bucket, the rest of the path the key prefix).
/// </summary>
public sealed partial record SourceUri(bool IsLocal, string Bucket, string Prefix)
{
    /// <summary>
    /// Parses <c>[s3://]BUCKET[/PREFIX]</c>, <c>file://DIR[/PREFIX]</c>, <c>./PATH</c>,
    /// <c>../PATH</c> or <c>/PATH</c>. Local paths are resolved against the current folder.
    /// </summary>
    public static SourceUri Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
            throw S3TailException.Usage("The URI is empty: give s3://BUCKET[/PREFIX] or a local folder path.");

        if (text.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
            return Local(text["file://".Length..], text);
        if (text is "." or ".." || text.StartsWith('/') || text.StartsWith("./") || text.StartsWith("../"))
            return Local(text, text);

        string rest = text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase) ? text[5..] : text;
        if (rest.Contains("://"))
            throw S3TailException.Usage($"Unsupported URI '{text}': use s3://BUCKET[/PREFIX], file://DIR, or a path starting with ./, ../ or /.");
        int slash = rest.IndexOf('/');
        string bucket = slash < 0 ? rest : rest[..slash];
        string prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length == 0)
            throw S3TailException.Usage($"The URI '{text}' names no bucket: write s3://BUCKET[/PREFIX].");
        // Only what can never be a bucket is refused here. S3 still serves us-east-1 buckets made
        // before March 2018 under the old rules (3 to 255 letters of either case, digits, '.', '-',
        // '_'), and S3-compatible servers allow such names; S3 itself says which do not exist.
        if (bucket.Length is < 3 or > 255 || !BucketName().IsMatch(bucket))
            throw S3TailException.Usage(
                $"'{Shown(bucket)}' is not a bucket name: a bucket has 3 to 255 letters, digits, '.', '-' and '_'" +
                (bucket.Length is < 3 or > 255 ? $" (this one has {bucket.Length} characters)." : "."));
        return new SourceUri(false, bucket, prefix);
    }

    private static SourceUri Local(string path, string original)
    {
        if (path.Length == 0)
            throw S3TailException.Usage($"The URI '{original}' names no folder.");
        string full = Path.GetFullPath(path);
        // The deepest folder that exists is the bucket; what is cut off walking up is the key prefix
        // (keeping a trailing '/', so "logs/2016/" matches only inside that folder).
        string dir = full.Length > 1 ? full.TrimEnd('/') : full;
        string prefix = full.EndsWith('/') && full.Length > 1 ? "/" : "";
        while (!Directory.Exists(dir))
        {
            string? parent = Path.GetDirectoryName(dir);
            if (parent is null)
                throw S3TailException.Usage($"No folder of '{original}' exists.");
            prefix = Path.GetFileName(dir) + prefix;
            dir = parent;
            if (!Directory.Exists(dir)) prefix = "/" + prefix;
        }
        return new SourceUri(true, dir, prefix == "/" ? "" : prefix);
    }

    public override string ToString() =>
        IsLocal ? Path.Combine(Bucket, Prefix) : $"s3://{Bucket}/{Prefix}";

    /// <summary>A name for a one-line message: control characters escaped, a long one cut.</summary>
    private static string Shown(string name)
    {
        string escaped = string.Concat(name.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
        return escaped.Length > 80 ? escaped[..40] + "…" + escaped[^20..] : escaped;
    }

    [GeneratedRegex(@"^[A-Za-z0-9._-]+\z")]
    private static partial Regex BucketName();
}
