using System.Net;
using System.Net.Sockets;

namespace S3Tail.Tests.Support;

/// <summary>
/// A TCP relay in front of a worker that holds its first connection silent for a while before
/// relaying it, and relays the others at once: what a worker on a loaded machine looks like to
/// the first look a run takes at it.
/// </summary>
internal sealed class SlowDoor : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private int _connections;

    public SlowDoor(string target, TimeSpan firstDelay)
    {
        _listener.Start();
        Address = $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        int colon = target.LastIndexOf(':');
        _ = AcceptAsync(target[..colon], int.Parse(target[(colon + 1)..]), firstDelay);
    }

    public string Address { get; }

    private async Task AcceptAsync(string host, int port, TimeSpan firstDelay)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception) { return; }
            var delay = Interlocked.Increment(ref _connections) == 1 ? firstDelay : TimeSpan.Zero;
            _ = RelayAsync(client, host, port, delay);
        }
    }

    private async Task RelayAsync(TcpClient client, string host, int port, TimeSpan delay)
    {
        using (client)
        using (var upstream = new TcpClient())
        {
            try
            {
                await Task.Delay(delay, _stop.Token);
                await upstream.ConnectAsync(host, port, _stop.Token);
                var down = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
                var up = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
                await Task.WhenAny(down, up);
            }
            catch (Exception)
            {
                // A relay that breaks is a connection that breaks; the run under test says what it saw.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
    }
}
