using S3Tail.Pipeline;

namespace S3Tail.Tests.Pipeline;

public sealed class DispatchWindowSpecs
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Should_let_out_no_more_than_the_limit_and_free_a_place_per_object_written()
    {
        var window = new DispatchWindow(new PrefetchController(2));
        Assert.True(window.Admits(10));
        window.Given(0, 10);
        window.Given(1, 10);
        Assert.False(window.Admits(10));

        window.Written(1);

        Assert.Equal(1, window.Out);
        Assert.True(window.Admits(10));
    }

    [Fact]
    public void Should_take_an_object_given_back_out_of_the_window_and_count_the_lowest_as_written()
    {
        // Auto: at most 256 MiB out. Objects 0 and 2 (100 MiB each) are out; 1 came back from a lost holder.
        var window = new DispatchWindow(PrefetchController.For(TailRequest.AutoPrefetch));
        window.Given(0, 100 * MiB);
        window.Given(1, 100 * MiB);
        window.Given(2, 50 * MiB);
        Assert.False(window.Admits(100 * MiB));
        window.Returned(1);
        Assert.True(window.Admits(100 * MiB));
        window.Given(1, 100 * MiB);

        window.Written(1);   // object 0: 150 MiB still out (1 and 2)

        Assert.Equal(2, window.Out);
        Assert.True(window.Admits(100 * MiB));
        Assert.False(window.Admits(107 * MiB));
    }

    [Fact]
    public void Should_let_one_object_out_alone_however_large()
    {
        var window = new DispatchWindow(PrefetchController.For(TailRequest.AutoPrefetch));
        Assert.True(window.Admits(1024 * MiB));
        window.Given(0, 1024 * MiB);
        Assert.False(window.Admits(1));
    }
}
