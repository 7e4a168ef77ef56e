using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace S3Tail.Workers;

/// <summary>What a TLS look at a worker's address found.</summary>
internal enum WorkerIdentity
{
    /// <summary>The worker presents the secret's certificate: it will let this run in.</summary>
    Ours,

    /// <summary>The worker presents another certificate: it holds another secret (or speaks another protocol version) and refuses this run.</summary>
    NotOurs,

    /// <summary>Nothing that presents a certificate answered (refused, silent, not resolvable, not TLS): not up yet, dying, or a wrong address.</summary>
    Unreachable,
}

/// <summary>
/// What a look at a worker found: who it is, the protocol version its certificate names (when it
/// presented one), and for an unreachable one what happened, in words for a warning.
/// </summary>
/// <paramref name="TimedOut"/> says the look ran out of time rather than being refused: on a
/// loaded machine that can be a worker too slow to finish its handshake, so it is worth one more look.
internal sealed record ProbeResult(WorkerIdentity Identity, int PeerProtocol = WorkerProtocol.Version, string? Trouble = null, bool TimedOut = false);

/// <summary>
/// Looks at the certificate a worker presents, before Akka.Remote dials it. Needed because
/// Akka.Remote (1.5.74) shuts down a whole node when a TLS handshake that node started fails, so a
/// worker holding another secret would stop the run's cluster node before anything could say why,
/// and from there a refusal looks the same as a worker dying mid-handshake. This is TLS's own
/// check, with the same identity Akka.Remote presents (<see cref="ClusterIdentity"/>); it proves
/// nothing Akka.Remote would not, it only tells the outcomes apart. One secret gives one
/// certificate, so a worker whose certificate is not ours is one that would refuse ours.
/// </summary>
internal static class IdentityProbe
{
    public static async Task<ProbeResult> CheckAsync(string host, int port, X509Certificate2 own, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, cancel.Token).ConfigureAwait(false);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            return Slow($"did not answer within {timeout.TotalSeconds:0} s");
        }
        catch (SocketException e)
        {
            return Unreachable(e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => "refused the connection (nothing listens on that port)",
                SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"cannot be found ({e.Message.TrimEnd('.')})",
                _ => $"cannot be reached ({e.Message.TrimEnd('.')})",
            });
        }
        catch (OperationCanceledException)
        {
            return Slow($"did not answer within {timeout.TotalSeconds:0} s");
        }
        byte[] pinned = own.GetPublicKey();
        bool? ours = null;
        int peerProtocol = WorkerProtocol.Version;
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
                    if (certificate is not null) peerProtocol = ClusterIdentity.ProtocolOf(certificate);
                    return ours.Value;
                },
            }, cancel.Token).ConfigureAwait(false);
        }
        catch (Exception) when (ours is not null)
        {
            // The worker presented a certificate; what it was is the answer, whatever broke after.
        }
        catch (OperationCanceledException)
        {
            return Slow($"accepted the connection but did not answer within {timeout.TotalSeconds:0} s (a firewall, a hung host, or not an s3tail worker)");
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or SocketException or ObjectDisposedException)
        {
            return Unreachable($"broke off before showing a certificate ({e.GetBaseException().Message.TrimEnd('.')}): starting, stopping, or not an s3tail worker");
        }
        return ours switch
        {
            true => new ProbeResult(WorkerIdentity.Ours, peerProtocol),
            false => new ProbeResult(WorkerIdentity.NotOurs, peerProtocol),
            null => Unreachable("answered without a certificate (not an s3tail worker)"),
        };
    }

    private static ProbeResult Unreachable(string trouble) => new(WorkerIdentity.Unreachable, Trouble: trouble);

    private static ProbeResult Slow(string trouble) => new(WorkerIdentity.Unreachable, Trouble: trouble, TimedOut: true);
}
