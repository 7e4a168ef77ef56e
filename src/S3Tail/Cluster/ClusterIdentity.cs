using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using Akka.Remote.Transport.DotNetty;

namespace S3Tail.Workers;

/// <summary>
/// What lets a node into a run spread over workers: the shared secret, turned into one TLS
/// identity every holder of the secret computes alike. The secret becomes the private key of a
/// P-256 certificate; every node presents it (mutual TLS, Akka.Remote's own) and accepts a peer
/// only when the peer's public key is that same key. Nobody without the secret can finish a
/// handshake, so nobody without it can join, send a worker work, or read what it sends back.
/// No handshake of our own: TLS does the proving, Akka.Remote the transport.
///
/// The certificate is handed to whoever connects, so its public key is public: anyone may try
/// secrets offline against it. The key therefore comes from the secret through PBKDF2-SHA256 at
/// <see cref="KdfIterations"/> rounds (OWASP's 2023 figure), which makes each guess cost what
/// making the key costs here (a fraction of a second, once per process); a secret of 128 random
/// bits (what the CLI asks for) is out of reach either way, a weaker one at least slow to find.
/// </summary>
internal static class ClusterIdentity
{
    /// <summary>PBKDF2-SHA256 rounds from the secret to the key.</summary>
    public const int KdfIterations = 600_000;

    /// <summary>The certificate's subject names the protocol version, so a node can tell "another version" from "another secret".</summary>
    private static readonly string Subject = $"CN=s3tail-cluster, OU=s3tail worker protocol {WorkerProtocol.Version}";

    /// <summary>The certificate (with its private key) for <paramref name="secret"/>. Slow on purpose: make it once per process.</summary>
    public static X509Certificate2 Certificate(string secret)
    {
        if (string.IsNullOrWhiteSpace(secret)) throw new ArgumentException("the cluster secret is empty", nameof(secret));
        byte[] d = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), "s3tail-cluster-p256-identity-v2"u8,
            KdfIterations, HashAlgorithmName.SHA256, 32);
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var request = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256);
        // Fixed dates: the same secret gives the same key on every node, on any day.
        using var made = request.CreateSelfSigned(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        // Through PKCS#12, so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The worker protocol version a peer's certificate names (1: none, the first version's).</summary>
    public static int ProtocolOf(X509Certificate certificate) =>
        Regex.Match(certificate.Subject, @"s3tail worker protocol (\d+)") is { Success: true } m && int.TryParse(m.Groups[1].Value, out int v) ? v : 1;

    /// <summary>Akka.Remote's TLS setup for a node holding <paramref name="secret"/>: mutual, pinned to the secret's key.</summary>
    public static DotNettySslSetup TlsSetup(string secret) => TlsSetup(Certificate(secret));

    /// <summary>Akka.Remote's TLS setup for a node presenting <paramref name="own"/> (the secret's <see cref="Certificate"/>).</summary>
    public static DotNettySslSetup TlsSetup(X509Certificate2 own)
    {
        byte[] pinned = own.GetPublicKey();
        return new DotNettySslSetup(own, suppressValidation: false, requireMutualAuthentication: true,
            validateCertificateHostname: false,
            (certificate, _, _, _, _) => certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetPublicKey(), pinned));
    }
}
