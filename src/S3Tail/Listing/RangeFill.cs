using System.Threading.Channels;
using S3Tail.Storage;

namespace S3Tail.Listing;

/// <summary>
/// One range of a split listing, listed on its own: LIST after LIST from
/// <see cref="StartAfter"/>, the keys from <see cref="Lower"/> (inclusive) up to
/// <see cref="Upper"/> (exclusive) into a channel of at most a few pages, so a range listed ahead
/// of the one being read holds bounded memory and then waits. It ends at the first key at or past
/// its upper bound: that LIST's keys from there on are the <see cref="Remainder"/>, which is the
/// first answer of a listing that goes on after this range (<see cref="SplitPaging"/>'s last, open
/// range). A failed LIST ends the channel with its exception, which its reader meets in key order.
/// </summary>
internal sealed class RangeFill
{
    private readonly Channel<IReadOnlyList<ObjectInfo>> _pages;

    /// <param name="startAfter">Where its first LIST starts (exclusive).</param>
    /// <param name="lower">
    /// Its first key, inclusive (null: none but <paramref name="startAfter"/>). A boundary is not a
    /// key, so the LIST starts after the boundary less its last character, a prefix of it that
    /// sorts before it, and the few keys in between (the previous range's) are dropped.
    /// </param>
    /// <param name="upper">The next range's first key, exclusive.</param>
    /// <param name="bufferPages">Pages it lists ahead of its reader at most.</param>
    public RangeFill(string? startAfter, string? lower, string upper, int bufferPages)
    {
        (StartAfter, Lower, Upper) = (startAfter, lower, upper);
        _pages = Channel.CreateBounded<IReadOnlyList<ObjectInfo>>(
            new BoundedChannelOptions(bufferPages) { SingleReader = true, SingleWriter = true });
    }

    public string? StartAfter { get; }

    public string? Lower { get; }

    public string Upper { get; }

    /// <summary>The range's keys in key order, a LIST's worth at a time; read them once.</summary>
    public ChannelReader<IReadOnlyList<ObjectInfo>> Pages => _pages.Reader;

    /// <summary>
    /// Set before <see cref="Pages"/> completes: the keys of its last LIST at or past
    /// <see cref="Upper"/>, and whether more keys follow them.
    /// </summary>
    public ListPage Remainder { get; private set; } = new([], false);

    /// <summary>
    /// Lists the range. <paramref name="ended"/> is told, once the range is listed, the first key
    /// past it (null when none was listed), and whether the listing under the prefix is over.
    /// </summary>
    public async Task RunAsync(PageSource list, Action<string?, bool> ended, CancellationToken cancellationToken)
    {
        try
        {
            string? after = StartAfter;
            while (true)
            {
                var page = await list.ListAsync(after, cancellationToken).ConfigureAwait(false);
                var keys = new List<ObjectInfo>(page.Objects.Count);
                int i = 0;
                for (; i < page.Objects.Count && Utf8Order.Instance.Compare(page.Objects[i].Key, Upper) < 0; i++)
                {
                    if (Lower is null || Utf8Order.Instance.Compare(page.Objects[i].Key, Lower) >= 0) keys.Add(page.Objects[i]);
                }
                if (keys.Count > 0) await _pages.Writer.WriteAsync(keys, cancellationToken).ConfigureAwait(false);
                if (i < page.Objects.Count || !page.IsTruncated || page.Objects.Count == 0)
                {
                    Remainder = new ListPage(page.Objects.Skip(i).ToList(), page.IsTruncated);
                    bool past = i < page.Objects.Count;
                    ended(past ? page.Objects[i].Key : null, !past && !page.IsTruncated);
                    _pages.Writer.TryComplete();
                    return;
                }
                after = page.Objects[^1].Key;
            }
        }
        catch (Exception e)
        {
            _pages.Writer.TryComplete(e);
        }
    }
}
