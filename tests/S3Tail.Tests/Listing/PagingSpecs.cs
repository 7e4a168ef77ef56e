using S3Tail.Listing;
using S3Tail.Storage;
using static S3Tail.Tests.Listing.RecordedLists;

namespace S3Tail.Tests.Listing;

public sealed class PagingSpecs
{
    private static readonly string[] SevenKeys = ["a", "b", "c", "d", "e", "f", "g"];

    [Fact]
    public async Task Should_list_page_after_page_from_the_start_key_until_the_answer_says_no_more()
    {
        using var lists = new RecordedLists(SevenKeys, pageSize: 3);

        var pages = await All(Paging.PagesAsync(lists.List, "a"));

        Assert.Equal(["b", "c", "d", "e", "f", "g"], KeysOf(pages));
        Assert.Equal(["a", "d"], lists.Starts);   // the second answer held the last key
        Assert.Equal([true, false], pages.Select(p => p.More));
        Assert.Equal(["d", "g"], pages.Select(p => p.After));
    }

    [Fact]
    public async Task Should_end_an_empty_listing_with_one_empty_page_that_goes_on_where_it_started()
    {
        using var lists = new RecordedLists([], pageSize: 3);

        var page = Assert.Single(await All(Paging.PagesAsync(lists.List, "k/")));

        Assert.Empty(page.Keys);
        Assert.False(page.More);
        Assert.Equal("k/", page.After);   // a follow lists on from there
    }

    [Fact]
    public async Task Should_start_each_LIST_where_the_cut_says_and_keep_only_what_it_keeps()
    {
        using var lists = new RecordedLists(SevenKeys, pageSize: 2);
        // A cut that keeps the first key of each answer and seeks two keys on from it.
        static PageCut SkipAhead(ListPage page, string? after) =>
            new(page.Objects.Take(1).ToList(), page.Objects.Count == 0 ? null : ((char)(page.Objects[0].Key[0] + 2)).ToString()) { LeftOut = 1 };

        var pages = await All(Paging.PagesAsync(lists.List, null, cut: SkipAhead));

        Assert.Equal([null, "c", "f"], lists.Starts);   // after a: c (not b); after d: f (not e)
        Assert.Equal(["a", "d", "g"], KeysOf(pages));
        Assert.All(pages, p => Assert.Equal(1, p.LeftOut));
    }

    [Fact]
    public async Task Should_use_a_first_page_listed_already_and_list_it_again_if_it_failed()
    {
        using var lists = new RecordedLists(SevenKeys, pageSize: 4);
        var given = Task.FromResult(new ListPage([new ObjectInfo("x", "e", 1)], IsTruncated: false));

        Assert.Equal(["x"], KeysOf(await All(Paging.PagesAsync(lists.List, null, given))));
        Assert.Empty(lists.Starts);

        var failed = Task.FromException<ListPage>(new IOException("connection reset"));
        Assert.Equal(SevenKeys, KeysOf(await All(Paging.PagesAsync(lists.List, null, failed))));
        Assert.Equal([null, "d"], lists.Starts);
    }
}
