namespace S3Tail.Tests.Support;

/// <summary>
/// Checks that build and run other projects (the tool packed for two platforms, a run of the
/// benchmarks) take minutes of both cores: they stay specs, but the suite reports them skipped
/// and <c>.ci/slow-checks</c> runs them (S3TAIL_SLOW_CHECKS=1, filtered by this trait).
/// </summary>
public static class SlowCheck
{
    public const string Trait = "Category", Value = "Slow";

    public static void SkipUnlessAsked() =>
        Skip.IfNot(Environment.GetEnvironmentVariable("S3TAIL_SLOW_CHECKS") == "1",
            "a slow check, run by .ci/slow-checks (or with S3TAIL_SLOW_CHECKS=1)");
}
