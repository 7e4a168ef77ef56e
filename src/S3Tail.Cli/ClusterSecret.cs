namespace S3Tail.Cli;

/// <summary>The workers' shared secret: from --secret-file, else S3TAIL_CLUSTER_SECRET; never from the command line itself (it would show in ps).</summary>
public static class ClusterSecret
{
    public static string Read(string? file)
    {
        string? secret;
        if (file is not null)
        {
            try { secret = File.ReadAllText(file).Trim(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw S3TailException.Usage($"Cannot read the secret file '{file}' ({e.Message.TrimEnd('.')}).");
            }
        }
        else secret = Environment.GetEnvironmentVariable("S3TAIL_CLUSTER_SECRET")?.Trim();
        if (string.IsNullOrEmpty(secret))
            throw S3TailException.Usage("Workers need the cluster secret: --secret-file FILE or S3TAIL_CLUSTER_SECRET.");
        return secret;
    }
}
