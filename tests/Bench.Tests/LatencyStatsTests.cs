using Boai.Orleans.Bench.EndToEnd;

namespace Boai.Orleans.Bench.Tests;

public class LatencyStatsTests
{
    [Fact]
    public void Percentiles_are_nearest_rank_values_that_were_measured()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(50, LatencyRecorder.Percentile(sorted, 50));
        Assert.Equal(99, LatencyRecorder.Percentile(sorted, 99));
        Assert.Equal(100, LatencyRecorder.Percentile(sorted, 100));
        Assert.Equal(1, LatencyRecorder.Percentile(sorted, 0));
        Assert.Equal(1, LatencyRecorder.Percentile(sorted, 0.5));
    }

    [Fact]
    public void A_few_values_give_the_slowest_as_p99_not_an_interpolation()
    {
        double[] sorted = [1, 2, 3, 1000];

        Assert.Equal(2, LatencyRecorder.Percentile(sorted, 50));
        Assert.Equal(1000, LatencyRecorder.Percentile(sorted, 99));
        Assert.Equal(3, LatencyRecorder.Percentile(sorted, 75));
    }

    [Fact]
    public void Summary_sorts_merged_recorders_and_reports_count_max_and_mean()
    {
        var a = new LatencyRecorder();
        var b = new LatencyRecorder();
        foreach (var ms in new double[] { 40, 10, 30 })
        {
            a.Record(ms);
        }

        b.Record(20);
        b.Record(100);

        var summary = LatencyRecorder.Merge([a, b]).Summarize();

        Assert.Equal(5, summary.Count);
        Assert.Equal(30, summary.P50);
        Assert.Equal(100, summary.P99);
        Assert.Equal(100, summary.Max);
        Assert.Equal(40, summary.Mean);
    }

    [Fact]
    public void No_values_summarize_as_empty_and_a_percentile_of_nothing_is_refused()
    {
        Assert.Equal(LatencySummary.Empty, new LatencyRecorder().Summarize());
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyRecorder.Percentile([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencyRecorder.Percentile([1.0], 101));
    }
}
