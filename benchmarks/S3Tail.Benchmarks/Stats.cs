namespace S3Tail.Benchmarks;

/// <summary>The one statistic the scripted runs report: the median of their rounds (the upper one of an even count).</summary>
public static class Stats
{
    public static double Median(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
