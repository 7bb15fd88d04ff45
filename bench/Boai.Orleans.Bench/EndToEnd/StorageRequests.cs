using System.Globalization;
using Boai.Orleans.Hosting;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Boai.Orleans.Bench.EndToEnd;

/// <summary>Storage requests the silo made per check-in + check-out pair, from its table clients' counters.</summary>
public sealed record StoragePerPair(double Requests, double Transactions, double Writes, double Reads);

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
        return new StoragePerPair(Per(requests), Per(transactions), Per(writes), Per(requests - transactions - writes));
    }
}
