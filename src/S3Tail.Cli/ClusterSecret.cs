using System.Security.Cryptography;

namespace S3Tail.Cli;

/// <summary>
/// The workers' shared secret: from --secret-file, else S3TAIL_CLUSTER_SECRET; never from the
/// command line itself (it would show in ps). Whoever holds it can make every worker read S3 with
/// the worker's credentials, so, as ssh does with keys, a secret file others may read or write is
/// refused, and so is a secret too short to be out of reach of guessing.
/// </summary>
internal static class ClusterSecret
{
    /// <summary>The strength asked of a secret, by <see cref="Bits"/>.</summary>
    public const int MinimumBits = 128;

    /// <param name="variables">where S3TAIL_CLUSTER_SECRET is read when no file is given (the process's environment by default).</param>
    public static string Read(string? file, Func<string, string?>? variables = null)
    {
        string? secret;
        if (file is not null)
        {
            try
            {
                if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(file) & OthersMayTouch) is var loose && loose != 0)
                    throw S3TailException.Usage($"The secret file '{file}' may be read or changed by others (mode {Mode(file)}): " +
                                                $"make it private with 'chmod 600 {file}'.");
                secret = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw S3TailException.Usage($"Cannot read the secret file '{file}' ({e.Message.TrimEnd('.')}).");
            }
        }
        else secret = (variables ?? Environment.GetEnvironmentVariable)("S3TAIL_CLUSTER_SECRET")?.Trim();
        if (string.IsNullOrEmpty(secret))
            throw S3TailException.Usage("Workers need the cluster secret: --secret-file FILE or S3TAIL_CLUSTER_SECRET.");
        if (Bits(secret) < MinimumBits)
            throw S3TailException.Usage($"The cluster secret {(file is null ? "in S3TAIL_CLUSTER_SECRET" : $"in '{file}'")} is too weak " +
                                        $"(about {Bits(secret)} bits; at least {MinimumBits}: 22 random base64 characters or 32 hex digits): " +
                                        "make one with 's3tail worker --new-secret FILE'.");
        return secret;
    }

    /// <summary>
    /// A simple upper bound on a secret's entropy: 4 bits a character for hex digits, 6 for
    /// anything else (what a random base64 character carries; a passphrase carries less, but no
    /// simple measure tells), 0 for a secret of fewer than 8 different characters (a pattern).
    /// </summary>
    public static int Bits(string secret)
    {
        if (secret.Distinct().Count() < 8) return 0;
        return secret.All(char.IsAsciiHexDigit) ? 4 * secret.Length : 6 * secret.Length;
    }

    /// <summary>
    /// <c>s3tail worker --new-secret FILE</c>: 32 random bytes (256 bits) as base64url, in a new
    /// file only its owner may read; an existing file is never overwritten (it may be the fleet's).
    /// </summary>
    public static void WriteNew(string file)
    {
        string secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        FileStream stream;
        try
        {
            stream = new FileStream(file, options);
        }
        catch (IOException) when (File.Exists(file) || Directory.Exists(file))
        {
            throw S3TailException.Usage($"'{file}' exists already: --new-secret never overwrites a secret; give a new file name.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw S3TailException.Usage($"Cannot write the secret file '{file}' ({e.Message.TrimEnd('.')}).");
        }
        try
        {
            using (var writer = new StreamWriter(stream)) writer.WriteLine(secret);
        }
        catch (IOException e)
        {
            // A full disk, say: leave no partial secret behind to block the next try.
            File.Delete(file);
            throw S3TailException.Usage($"Cannot write the secret file '{file}' ({e.Message.TrimEnd('.')}).");
        }
    }

    private const UnixFileMode OthersMayTouch = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string Mode(string file) => Convert.ToString((int)File.GetUnixFileMode(file), 8).PadLeft(4, '0');
}
