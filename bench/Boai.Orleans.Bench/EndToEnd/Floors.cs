using Azure.Data.Tables;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>
/// What this machine cannot beat: the same Azurite written with the same SDK and no service in between, and the
/// dashboard's cheapest route from the same load client.
/// </summary>
public static class Floors
{
    /// <summary>A grain-state-sized payload (a volunteer's JSON is about this long).</summary>
    private static readonly string Payload = new('x', 1_024);

    /// <summary>Single-entity upserts (one request each), and 100-entity transactions, closed loop at the given concurrency.</summary>
    public static async Task<(ClosedLoopResult Single, ClosedLoopResult Batched)> StorageAsync(string connectionString, BenchOptions o)
    {
        var table = new TableClient(connectionString, "BenchFloor");
        await table.CreateIfNotExistsAsync();

        var single = await LoadRunner.ClosedLoopAsync(o.Concurrency, o.Warmup, o.Duration, async (worker, i) =>
        {
            await table.UpsertEntityAsync(new TableEntity($"single-{worker}-{i}", "state") { ["State"] = Payload }, TableUpdateMode.Replace);
            return 1;
        });

        var batched = await LoadRunner.ClosedLoopAsync(o.Concurrency, o.Warmup, o.Duration, async (worker, i) =>
        {
            var partition = $"batch-{worker}-{i}";
            var actions = Enumerable.Range(0, 100)
                .Select(r => new TableTransactionAction(
                    TableTransactionActionType.UpsertReplace, new TableEntity(partition, r.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)) { ["State"] = Payload }))
                .ToList();
            await table.SubmitTransactionAsync(actions);
            return actions.Count;
        });

        // The floors leave ~76,000 entities of 1 KiB. Azure Table storage does not slow down for rows in another table,
        // but the emulator keeps every row in its one JavaScript heap: left there they would make each of its full
        // collections during the service's phases longer (docs/BENCHMARKS.md, tenth round). The table goes once measured.
        await table.DeleteAsync();
        return (single, batched);
    }

    /// <summary><c>/health/live</c> (no grain call, no storage), closed loop at the given concurrency.</summary>
    public static Task<ClosedLoopResult> HttpAsync(BoaiApi api, BenchOptions o) =>
        LoadRunner.ClosedLoopAsync(o.Concurrency, o.Warmup, o.Duration, async (_, _) =>
        {
            await api.LiveAsync();
            return 1;
        });
}
