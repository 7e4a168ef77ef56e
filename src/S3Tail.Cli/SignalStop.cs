using System.Runtime.InteropServices;

namespace S3Tail.Cli;

/// <summary>
/// Turns SIGINT, SIGTERM and SIGHUP (a closed terminal, a killed ssh session) into a cancellation
/// the run ends on — with an exact bookmark, printed and saved — and remembers which came first
/// for the exit code. The default handling (killing the process) is cancelled; a second Ctrl-C
/// also goes to the run, which is already stopping.
/// </summary>
internal sealed class SignalStop : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly PosixSignalRegistration[] _registrations;
    private int _signal;

    private SignalStop(bool listen)
    {
        _registrations = listen
            ?
            [
                PosixSignalRegistration.Create(PosixSignal.SIGINT, On),
                PosixSignalRegistration.Create(PosixSignal.SIGTERM, On),
                PosixSignalRegistration.Create(PosixSignal.SIGHUP, On),
            ]
            : [];
    }

    /// <summary>Takes the process's signals: for a command that owns its process.</summary>
    public static SignalStop Listen() => new(listen: true);

    /// <summary>Takes none: a run hosted in another program (the test suite) leaves its signals alone.</summary>
    public static SignalStop None() => new(listen: false);

    public CancellationToken Token => _cts.Token;

    /// <summary>The first signal received, or null.</summary>
    public PosixSignal? Signal => _signal == 0 ? null : (PosixSignal)_signal;

    private void On(PosixSignalContext context)
    {
        context.Cancel = true;
        Interlocked.CompareExchange(ref _signal, (int)context.Signal, 0);
        _cts.Cancel();
    }

    public void Dispose()
    {
        foreach (var r in _registrations) r.Dispose();
        _cts.Dispose();
    }
}
