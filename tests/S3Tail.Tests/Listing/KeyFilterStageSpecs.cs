using S3Tail.Listing;
using static S3Tail.Tests.Listing.RecordedLists;

namespace S3Tail.Tests.Listing;

public sealed class KeyFilterStageSpecs
{
    [Fact]
    public async Task Should_drop_the_keys_the_filter_refuses_and_keep_where_the_listing_goes_on()
    {
        var pages = KeyFilterStage.WhereAsync(Given(Page(true, "a.log", "b.txt"), Page(false, "c.txt")), k => k.EndsWith(".log"));

        var kept = await All(pages);

        Assert.Equal(["a.log"], KeysOf(kept));
        Assert.Equal(2, kept.Count);   // an emptied page still says where to go on
        Assert.Equal(["b.txt", "c.txt"], kept.Select(p => p.After));
        Assert.Equal([true, false], kept.Select(p => p.More));
    }

    [Fact]
    public async Task Should_pass_every_key_without_a_filter() =>
        Assert.Equal(["a", "b"], KeysOf(await All(KeyFilterStage.WhereAsync(Given(Page(false, "a", "b")), null))));
}
