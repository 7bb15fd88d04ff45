namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>
/// One end-to-end run against a running Azurite, silo and dashboard (bench.sh starts them): the floors, check-ins,
/// dashboard latency and memory, then one JSON line on stdout and, when asked, the table in docs/BENCHMARKS.md.
/// </summary>
public static class EndToEndBenchmark
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        BenchOptions o;
        try
        {
            o = BenchOptions.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await Console.Error.WriteLineAsync($"[bench] error: {ex.Message}");
            return 2;
        }

        var loadBefore = Machine.LoadAverage();
        if (o.SiloPid is { } pid && !MemoryProbe.CommandLine(pid).Contains("Boai.Orleans.Silo", StringComparison.Ordinal))
        {
            Log($"error: process {pid} is not the silo ({MemoryProbe.CommandLine(pid)})");
            return 2;
        }

        using var api = new BoaiApi(o.DashboardUrl);
        var operatorToken = await api.TokenAsync("bench-operator", "operator");

        Log($"storage floor: Azure.Data.Tables upserts against Azurite, {o.Concurrency} concurrent, {o.Duration.TotalSeconds:0} s each");
        var (single, batched) = await Floors.StorageAsync(o.StorageConnectionString, o);
        Log($"  single {single.UnitsPerSecond:N0}/s, batched {batched.UnitsPerSecond:N0} entities/s");

        Log("HTTP floor: GET /health/live");
        var http = await Floors.HttpAsync(api, o);
        Log($"  {http.UnitsPerSecond:N0}/s");

        var checkIns = new CheckIns(api, o);
        Log($"seeding {o.Volunteers:N0} volunteers, households, needs and pairings through the API");
        var seeded = await checkIns.SeedAsync(operatorToken);
        Log($"  {seeded.TotalSeconds:0.#} s");

        Log("check-ins: check-in + check-out pairs, closed loop");
        var requestsBefore = await StorageRequests.ReadAsync(o);
        var pairs = await checkIns.RunAsync();
        var requestsAfter = await StorageRequests.ReadAsync(o);
        // The counters cover the warm-up too: divided by every pair started between the two reads.
        var storage = StorageRequests.PerPair(requestsBefore, requestsAfter, pairs.Started);
        var pairsRuntime = SiloRuntimeUse.Between(requestsBefore, requestsAfter, pairs.Started);
        Log($"  {pairs.UnitsPerSecond:N1} pairs/s, p50 {pairs.Latency.P50:N1} ms, p99 {pairs.Latency.P99:N1} ms, {pairs.Errors} errors");
        Log($"  storage per pair: {storage.Requests:N2} requests, {storage.Transactions:N2} transactions, {storage.Writes:N2} single writes, {storage.Reads:N2} reads; {storage.LedgerAppends:N2} ledger appends, {storage.DistrictFlushes:N2} district writes; {storage.TransactionEntities:N1} entities in transactions");
        Log($"  silo: {pairsRuntime.AllocatedKiBPerPair:N0} KiB allocated per pair, GC paused {pairsRuntime.GcPauseMsPerSecond:N0} ms a second, {pairsRuntime.CollectionsPerSecond:N1} collections a second");

        double rate = o.DashboardRate ?? Math.Max(1, pairs.UnitsPerSecond / 2);
        Log($"dashboard latency: {o.Watchers} watchers, check-ins open loop at {rate:N1}/s{(o.DashboardRate is null ? "" : " (--dashboard-rate)")}");
        var dashboardBefore = await StorageRequests.ReadAsync(o);
        var dashboard = await new DashboardLatency(checkIns, o).RunAsync(operatorToken, rate);
        var dashboardAfter = await StorageRequests.ReadAsync(o);
        var dashboardRuntime = SiloRuntimeUse.Between(dashboardBefore, dashboardAfter, dashboard.Pairs);
        var dashboardStorage = StorageRequests.PerPair(dashboardBefore, dashboardAfter, dashboard.Pairs);
        Log($"  event p50 {dashboard.EventLatency.P50:N1} ms, p99 {dashboard.EventLatency.P99:N1} ms, {dashboard.MissingEvents} missing, {dashboard.Errors} errors");
        Log($"  storage per pair: {dashboardStorage.Requests:N2} requests, {dashboardStorage.Transactions:N2} transactions, {dashboardStorage.Writes:N2} single writes, {dashboardStorage.Reads:N2} reads; {dashboardStorage.LedgerAppends:N2} ledger appends, {dashboardStorage.DistrictFlushes:N2} district writes; {dashboardStorage.TransactionEntities:N1} entities in transactions");
        Log($"  silo: {dashboardRuntime.AllocatedKiBPerPair:N0} KiB allocated per pair, GC paused {dashboardRuntime.GcPauseMsPerSecond:N0} ms a second, {dashboardRuntime.CollectionsPerSecond:N1} collections a second");

        Log("durability: every acknowledged check-out in the ledger and the hours route");
        var durability = await checkIns.VerifyAsync();
        Log($"  {durability.MissingFromLedger} of {durability.Acknowledged:N0} missing from the ledger, {durability.VolunteersShort} volunteers short");

        var memory = await MemoryProbe.RunAsync(o, Log);
        foreach (var step in memory)
        {
            Log($"  +{step.Grains:N0} grains: {step.RssBeforeBytes / 1048576.0:N0} → {step.RssAfterBytes / 1048576.0:N0} MiB, {step.BytesPerGrain:N0} bytes per grain");
        }

        var result = new BenchResult(
            o.Quick ? "quick" : "full",
            o.Command,
            TimeProvider.System.GetUtcNow(),
            Machine.Describe(o.AzuriteVersion, loadBefore),
            o.Volunteers,
            Math.Round(seeded.TotalSeconds, 1),
            single,
            batched,
            http,
            pairs,
            dashboard,
            durability,
            MemoryProbe.GcSettings(o.SiloRuntimeConfig, o.SiloPid),
            memory,
            storage,
            pairsRuntime,
            dashboardRuntime,
            dashboardStorage);
        Console.WriteLine(result.ToJsonLine());

        if (o.DocsPath is { } docs)
        {
            await File.WriteAllTextAsync(docs, BenchResult.Splice(await File.ReadAllTextAsync(docs), result.ToMarkdown()));
            Log($"rewrote the end-to-end table in {docs}");
        }

        // A lost acknowledged visit is a failure of the service, not a slow figure.
        return durability.MissingFromLedger == 0 && durability.VolunteersShort == 0 ? 0 : 1;
    }

    private static void Log(string message) => Console.Error.WriteLine($"[bench] {message}");
}
