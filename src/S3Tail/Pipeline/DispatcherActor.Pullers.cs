using Akka.Actor;

namespace S3Tail.Pipeline;

// Who of those that pull gets the next object: the dispatcher's choice, apart from its messages.
internal sealed partial class DispatcherActor
{
    /// <summary>
    /// Who gets the next object, of <paramref name="size"/> stored bytes, among those whose node has room for it: of the workers, the one
    /// with the most free slots (so none is left idle behind the first to join); else a free downloader.
    /// </summary>
    private string? NextPuller(long size)
    {
        string? best = null, local = null;
        int most = 0;
        bool hereHasRoom = HasRoom(WorkTally.Here, size);   // this machine's downloaders are one node
        foreach (var (id, p) in _pullers)
        {
            if (p.Demand <= 0) continue;
            if (p.Local) local ??= hereHasRoom ? id : null;
            else if (p.Demand > most && HasRoom(id, size)) (best, most) = (id, p.Demand);
        }
        return best ?? local;
    }

    /// <summary>Whether <paramref name="node"/> (a worker's id, or <see cref="WorkTally.Here"/>) has room for <paramref name="size"/> more stored bytes; always, without workers.</summary>
    private bool HasRoom(string node, long size)
    {
        if (_shares is null) return true;
        int nodes = (_settings.Downloader is null ? 0 : 1) + Math.Max(_settings.Workers!.Addresses.Count, _pullers.Count - _downloaders.Count);
        return _shares.Admits(node, size, nodes, _window.Limit);
    }

    /// <summary>One that pulls: how many more objects it asked for, and whether it is one of this machine's downloaders.</summary>
    private readonly record struct Puller(IActorRef Ref, int Demand, bool Local);
}
