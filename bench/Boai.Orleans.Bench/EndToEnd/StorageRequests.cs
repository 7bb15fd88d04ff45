using System.Globalization;
using Boai.Orleans.Hosting;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>Storage requests the silo made per check-in + check-out pair, from its table clients' counters.</summary>
/// <param name="Requests">Every request.</param>
/// <param name="Transactions">Entity-group transactions.</param>
/// <param name="Writes">Single-entity writes.</param>
/// <param name="Reads">Reads.</param>
/// <param name="LedgerAppends">Of the transactions, ledger appends (each one or more visit steps).</param>
/// <param name="DistrictFlushes">Writes of a district's rows (each one or more of the transactions).</param>
/// <param name="TransactionEntities">Entities the transactions carried (what Azurite spends its time on beside the requests).</param>
public sealed record StoragePerPair(double Requests, double Transactions, double Writes, double Reads, double LedgerAppends = 0, double DistrictFlushes = 0, double TransactionEntities = 0);

/// <summary>The silo's allocations and garbage collections over one phase, from its own counters (<see cref="RuntimeCounts"/>).</summary>
/// <param name="AllocatedKiBPerPair">KiB the silo allocated per check-in + check-out pair.</param>
/// <param name="GcPauseMsPerSecond">Milliseconds a second the silo was paused for collections (wall time, on cores it shares).</param>
/// <param name="CollectionsPerSecond">Collections a second, any generation.</param>
/// <param name="Gen1PerSecond">Of them, of generation 1 or 2.</param>
/// <param name="Gen2PerSecond">Of them, of generation 2.</param>
public sealed record SiloRuntimeUse(double AllocatedKiBPerPair, double GcPauseMsPerSecond, double CollectionsPerSecond, double Gen1PerSecond, double Gen2PerSecond)
{
    public static SiloRuntimeUse Between(SiloCounters before, SiloCounters after, long pairs)
    {
        var seconds = Math.Max(1e-9, TimeSpan.FromTicks(after.At - before.At).TotalSeconds);
        double PerSecond(double n) => Math.Round(n / seconds, 1);
        var (b, a) = (before.Runtime, after.Runtime);
        return new SiloRuntimeUse(
            pairs == 0 ? 0 : Math.Round((a.AllocatedBytes - b.AllocatedBytes) / 1024.0 / pairs, 0),
            PerSecond(a.GcPauseMilliseconds - b.GcPauseMilliseconds),
            PerSecond(a.Collections - b.Collections),
            PerSecond(a.Gen1Collections - b.Gen1Collections),
            PerSecond(a.Gen2Collections - b.Gen2Collections));
    }
}

/// <summary>The silo's counters at one moment (<paramref name="At"/>: <see cref="DateTime.Ticks"/> of the bench's clock, UTC).</summary>
public sealed record SiloCounters(StorageRequestCounts Storage, RuntimeCounts Runtime, long At);

public static class StorageRequests
{
    /// <summary>The silo's counters now (its table clients count every request, retries included; its runtime its allocations and collections).</summary>
    public static async Task<SiloCounters> ReadAsync(BenchOptions o)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Localhost",
            // bench.sh starts the silo in the Demo environment, listening on localhost without TLS: so does this client.
            ["Cluster:Tls:AllowPlaintext"] = "true",
            ["Cluster:GatewayPort"] = o.GatewayPort.ToString(CultureInfo.InvariantCulture),
        });
        builder.AddBoaiClusterClient();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var metrics = host.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageMetricsGrain>(0);
            var storage = await metrics.SoFar();
            var runtime = await metrics.Runtime();
            return new SiloCounters(storage, runtime, DateTime.UtcNow.Ticks);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public static StoragePerPair PerPair(SiloCounters before, SiloCounters after, long pairs) => PerPair(before.Storage, after.Storage, pairs);

    public static StoragePerPair PerPair(StorageRequestCounts before, StorageRequestCounts after, long pairs)
    {
        double Per(long n) => pairs == 0 ? 0 : Math.Round(n / (double)pairs, 2);
        var requests = after.Requests - before.Requests;
        var transactions = after.Transactions - before.Transactions;
        var writes = after.Writes - before.Writes;
        return new StoragePerPair(
            Per(requests), Per(transactions), Per(writes), Per(requests - transactions - writes),
            Per(after.LedgerAppends - before.LedgerAppends),
            Per(after.DistrictFlushes - before.DistrictFlushes),
            Per(after.TransactionEntities - before.TransactionEntities));
    }
}
