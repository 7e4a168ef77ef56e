using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Akka.Remote.Transport.DotNetty;

namespace S3Tail.Workers;

/// <summary>
/// What lets a node into a run spread over workers: the shared secret, turned into one TLS
/// identity every holder of the secret computes alike. The secret (HKDF-SHA256) becomes the
/// private key of a P-256 certificate; every node presents it (mutual TLS, Akka.Remote's own) and
/// accepts a peer only when the peer's public key is that same key. Nobody without the secret
/// can finish a handshake, so nobody without it can join, send a worker work, or read what it
/// sends back. No handshake of our own: TLS does the proving, Akka.Remote the transport.
/// </summary>
public static class ClusterIdentity
{
    /// <summary>The certificate (with its private key) for <paramref name="secret"/>.</summary>
    public static X509Certificate2 Certificate(string secret)
    {
        if (string.IsNullOrWhiteSpace(secret)) throw new ArgumentException("the cluster secret is empty", nameof(secret));
        byte[] d = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32,
            salt: "s3tail-cluster"u8.ToArray(), info: "p256-identity-v1"u8.ToArray());
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        var request = new CertificateRequest("CN=s3tail-cluster", key, HashAlgorithmName.SHA256);
        // Fixed dates: the same secret gives the same key on every node, on any day.
        using var made = request.CreateSelfSigned(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero));
        // Through PKCS#12, so SslStream can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pkcs12), null);
    }

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
