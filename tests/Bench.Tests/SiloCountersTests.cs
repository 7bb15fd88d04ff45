using Boai.Orleans.Bench.EndToEnd;

namespace Boai.Orleans.Bench.Tests;

public class SiloCountersTests
{
    [Fact]
    public async Task A_closed_loop_counts_every_operation_it_started_warm_up_and_failures_included()
    {
        long invoked = 0;
        var result = await LoadRunner.ClosedLoopAsync(2, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(100), async (_, i) =>
        {
            Interlocked.Increment(ref invoked);
            await Task.Yield();
            return i % 3 == 2 ? throw new InvalidOperationException("refused") : 1;
        });

        // Counters read before and after the loop cover every one of them, not only the measured window's.
        Assert.Equal(Interlocked.Read(ref invoked), result.Started);
        Assert.True(result.Started >= result.Operations + result.Errors);
    }

    [Fact]
    public void Storage_per_pair_divides_the_counters_difference_by_the_pairs_between_the_reads()
    {
        var before = new StorageRequestCounts(100, 40, 50, 30, 10, 400);
        var after = new StorageRequestCounts(300, 140, 90, 110, 20, 1_600);

        var perPair = StorageRequests.PerPair(before, after, 100);

        Assert.Equal(new StoragePerPair(2, 1, 0.4, 0.6, 0.8, 0.1, 12), perPair);
    }

    [Fact]
    public void The_silo_runtime_over_a_phase_is_kib_per_pair_and_pause_and_collections_per_second()
    {
        var at = new DateTime(2026, 12, 1, 2, 0, 0, DateTimeKind.Utc);
        var storage = new StorageRequestCounts(0, 0, 0, 0, 0);
        var before = new SiloCounters(storage, new RuntimeCounts(1_000_000, 500, 10, 4, 1), at.Ticks);
        var after = new SiloCounters(storage, new RuntimeCounts(1_000_000 + (600 * 1024 * 50), 1_700, 70, 34, 3), at.AddSeconds(20).Ticks);

        var use = SiloRuntimeUse.Between(before, after, 50);

        Assert.Equal(new SiloRuntimeUse(600, 60, 3, 1.5, 0.1), use);
    }

    [Fact]
    public void The_report_shows_entities_and_the_silo_runtime_of_both_phases()
    {
        var latency = new LatencySummary(1, 1, 1, 1, 1, 1);
        var loop = new ClosedLoopResult(32, 20, 100, 100, 0, latency, 120);
        var result = new BenchResult(
            "full", "./bench.sh", DateTimeOffset.UnixEpoch, new Machine(2, 23.5, "Debian", ".NET 10", "3.37.0", "0", "0"), 500, 12,
            loop, loop, loop, loop,
            new DashboardResult(50, 100, 99, 2_000, 2_000, 0, 3, "WebSocket", latency, latency, 0, 0, true, 2_300),
            new Durability(2_000, 0, 500, 0), "workstation", [],
            new StoragePerPair(1, 0.7, 0.3, 0, 0.6, 0.1, 8.5),
            new SiloRuntimeUse(612, 85, 4.2, 1.9, 0),
            new SiloRuntimeUse(700, 120, 6.5, 3, 0.1));

        var markdown = result.ToMarkdown();

        Assert.Contains("carrying 8.5 entities", markdown, StringComparison.Ordinal);
        Assert.Contains("pairs phase, per pair (the silo's own `GC` counters) | **612 KiB allocated**; paused 85 ms a second in 4.2 collections a second (1.9 of generation 1 or 2, 0.0 of 2)", markdown, StringComparison.Ordinal);
        Assert.Contains("dashboard phase (warm-up included), per check-in + check-out (the silo's own `GC` counters) | **700 KiB allocated**", markdown, StringComparison.Ordinal);
        Assert.Contains("after a 3 s warm-up at that rate", markdown, StringComparison.Ordinal);
        Assert.Contains("(half the pair rate;", markdown, StringComparison.Ordinal);
        Assert.True(result.DashboardTargetMet);

        // A rate given by --dashboard-rate is a comparison, not the target's figure.
        var given = result with { Dashboard = result.Dashboard with { RateGiven = true } };
        Assert.False(given.DashboardTargetMet);
        Assert.Contains("(given by --dashboard-rate;", given.ToMarkdown(), StringComparison.Ordinal);
    }
}
