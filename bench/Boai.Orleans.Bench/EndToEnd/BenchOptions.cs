namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>What one end-to-end run measures and against what; parsed from <c>--name value</c> arguments (bench.sh passes them).</summary>
public sealed class BenchOptions : HostedRunOptions
{
    private List<int> _memory = [];

    public string? SiloRuntimeConfig { get; private set; }

    /// <summary>The markdown file whose end-to-end section the run rewrites; none in a quick run unless asked.</summary>
    public string? DocsPath { get; private set; }

    public string LedgerTable { get; private set; } = "BoaiVisitLedgerV2";

    public int Watchers { get; private set; }

    /// <summary>
    /// Check-ins a second of the dashboard phase when given (<c>--dashboard-rate</c>), instead of half the pairs phase's
    /// rate: runs compared at one rate, since the event p99 follows the rate each run sets itself. Not the target's
    /// figure (which is at half the run's own max), so such a run never meets it and never writes the docs.
    /// </summary>
    public int? DashboardRate { get; private set; }

    /// <summary>Watch with the SignalR .NET client (<c>--signalr-client</c>) instead of the plain WebSocket watcher (<see cref="WebSocketWatcher"/>).</summary>
    public bool TypedHubClient { get; private set; }

    /// <summary>Volunteer grains to activate for the memory figure, in steps (each step's total).</summary>
    public IReadOnlyList<int> MemoryGrains { get; private set; } = [];

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var o = new BenchOptions();
        o.Parse(args, quick =>
        {
            o.Volunteers = quick ? 48 : 500;
            o.Concurrency = quick ? 8 : 32;
            o.Duration = TimeSpan.FromSeconds(quick ? 3 : 20);
            o.Warmup = TimeSpan.FromSeconds(quick ? 1 : 3);
            o.Watchers = quick ? 5 : 50;
            o._memory = [quick ? 2_000 : 100_000];
        });

        if (o.Volunteers < o.Concurrency)
        {
            throw new ArgumentException("--volunteers must be at least --concurrency: each worker checks in its own volunteers");
        }

        o.MemoryGrains = [.. o._memory.Distinct().Order()];
        return o;
    }

    protected override bool Option(string name, Func<string> value, Func<int> count)
    {
        switch (name)
        {
            case "--silo-runtimeconfig": SiloRuntimeConfig = value(); return true;
            case "--docs": DocsPath = value(); return true;
            case "--ledger-table": LedgerTable = value(); return true;
            case "--watchers": Watchers = count(); return true;
            case "--dashboard-rate": DashboardRate = count(); return true;
            case "--signalr-client": TypedHubClient = true; return true;
            case "--memory-grains": _memory = [count()]; return true;
            case "--million": _memory.Add(1_000_000); return true;
            default: return false;
        }
    }
}
