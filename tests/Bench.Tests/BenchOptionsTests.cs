using Boai.Orleans.Bench.EndToEnd;

namespace Boai.Orleans.Bench.Tests;

public class BenchOptionsTests
{
    [Fact]
    public void Quick_mode_is_small_and_the_full_run_measures_100000_grains()
    {
        var quick = BenchOptions.Parse(["--quick"]);
        var full = BenchOptions.Parse([]);

        Assert.True(quick.Quick);
        Assert.True(quick.Duration < full.Duration);
        Assert.True(quick.Volunteers < full.Volunteers);
        Assert.Equal([100_000], full.MemoryGrains);
        Assert.Equal(50, full.Watchers);
    }

    [Fact]
    public void Million_adds_a_second_memory_step_and_counts_override_the_defaults()
    {
        var o = BenchOptions.Parse(["--million", "--concurrency", "4", "--volunteers", "10", "--watchers", "3"]);

        Assert.Equal([100_000, 1_000_000], o.MemoryGrains);
        Assert.Equal(4, o.Concurrency);
        Assert.Equal(10, o.Volunteers);
        Assert.Equal(3, o.Watchers);
    }

    [Fact]
    public void The_dashboard_phase_runs_at_half_the_pair_rate_unless_a_rate_is_given()
    {
        Assert.Null(BenchOptions.Parse([]).DashboardRate);
        Assert.Equal(200, BenchOptions.Parse(["--dashboard-rate", "200"]).DashboardRate);
    }

    [Theory]
    [InlineData("--concurrency", "0")]
    [InlineData("--dashboard-rate", "0")]
    [InlineData("--duration", "x")]
    [InlineData("--bogus", "1")]
    public void Bad_options_are_refused(string name, string value) =>
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse([name, value]));

    [Fact]
    public void Fewer_volunteers_than_workers_is_refused() =>
        Assert.Throws<ArgumentException>(() => BenchOptions.Parse(["--concurrency", "8", "--volunteers", "4"]));
}
