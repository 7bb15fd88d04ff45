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
public sealed record StoragePerPair(double Requests, double Transactions, double Writes, double Reads, double LedgerAppends = 0, double DistrictFlushes = 0);

public static class StorageRequests
{
    /// <summary>The silo's counters now (its table clients count every request, retries included).</summary>
    public static async Task<StorageRequestCounts> ReadAsync(BenchOptions o)
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
            return await host.Services.GetRequiredService<IClusterClient>().GetGrain<IStorageMetricsGrain>(0).SoFar();
        }
        finally
        {
            await host.StopAsync();
        }
    }

    public static StoragePerPair PerPair(StorageRequestCounts before, StorageRequestCounts after, long pairs)
    {
        double Per(long n) => pairs == 0 ? 0 : Math.Round(n / (double)pairs, 2);
        var requests = after.Requests - before.Requests;
        var transactions = after.Transactions - before.Transactions;
        var writes = after.Writes - before.Writes;
        return new StoragePerPair(
            Per(requests), Per(transactions), Per(writes), Per(requests - transactions - writes),
            Per(after.LedgerAppends - before.LedgerAppends), Per(after.DistrictFlushes - before.DistrictFlushes));
    }
}
