using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace S3Tail.Workers;

/// <summary>What a TLS look at a worker's address found.</summary>
public enum WorkerIdentity
{
    /// <summary>The worker presents the secret's certificate: it will let this run in.</summary>
    Ours,

    /// <summary>The worker presents another certificate: it holds another secret and refuses this run.</summary>
    NotOurs,

    /// <summary>Nothing answered, or the connection broke before a certificate was seen (not up yet, dying).</summary>
    Unknown,
}

/// <summary>
/// Looks at the certificate a worker presents, before Akka.Remote dials it. Needed because
/// Akka.Remote (1.5.74) shuts down a whole node when a TLS handshake that node started fails, so a
/// worker holding another secret would stop the run's cluster node before anything could say why,
/// and from there a refusal looks the same as a worker dying mid-handshake. This is TLS's own
/// check, with the same identity Akka.Remote presents (<see cref="ClusterIdentity"/>); it proves
/// nothing Akka.Remote would not, it only tells the three outcomes apart. One secret gives one
/// certificate, so a worker whose certificate is not ours is one that would refuse ours.
/// </summary>
public static class IdentityProbe
{
    public static async Task<WorkerIdentity> CheckAsync(string host, int port, X509Certificate2 own, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return WorkerIdentity.Unknown;
        }
        byte[] pinned = own.GetPublicKey();
        bool? ours = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = new X509CertificateCollection { own },
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    ours = certificate is not null && CryptographicOperations.FixedTimeEquals(certificate.GetPublicKey(), pinned);
                    return ours.Value;
                },
            }, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception) when (ours is not null)
        {
            // The worker presented a certificate; what it was is the answer, whatever broke after.
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException
                                      or SocketException or ObjectDisposedException)
        {
            return WorkerIdentity.Unknown;
        }
        return ours switch
        {
            true => WorkerIdentity.Ours,
            false => WorkerIdentity.NotOurs,
            null => WorkerIdentity.Unknown,
        };
    }
}
