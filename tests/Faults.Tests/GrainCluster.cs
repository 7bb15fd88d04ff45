using System.Reflection;
using Boai.Orleans.Hosting;
using Boai.Orleans.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Boai.Orleans.Faults.Tests;

/// <summary>Real silos of the service's grains and storage, in this process, on their own tables of a real Azurite.</summary>
internal static class GrainCluster
{
    public static async Task<InProcessTestCluster> DeployAsync(AzuriteFixture azurite, short silos)
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = azurite.ConnectionString,
            ["Storage:GrainStateTable"] = $"state{suffix}",
            ["Storage:LedgerTable"] = $"ledger{suffix}",
            ["Storage:DistrictTable"] = $"districts{suffix}",
            ["Storage:AuditTable"] = $"audit{suffix}",
            ["Storage:MembershipTable"] = $"members{suffix}",
            ["Storage:ReminderTable"] = $"reminders{suffix}",
        }).Build();
        var storage = configuration.GetStorageSettings();

        var builder = new InProcessTestClusterBuilder(silos);
        // Membership as the service runs it: Orleans' Azure Table clustering, so silos die and join through Azurite.
        // The test cluster's own in-memory membership would otherwise be registered after ours and win; its switch
        // is not public in 10.4.2.
        typeof(InProcessTestClusterOptions).GetProperty("UseTestClusterMembership", BindingFlags.Instance | BindingFlags.NonPublic)!
            .SetValue(builder.Options, false);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddBoaiDomain(configuration);
            silo.UseBoaiStorage(storage);
            silo.UseBoaiMembership(storage);
            // A call to a grain on a silo that just died fails in seconds, as the dashboard's calls do.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        builder.ConfigureClient(client =>
        {
            client.UseBoaiMembership(storage);
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// Completes once every visit event committed so far has reached its projections; a partition whose silo died is
    /// activated again by this call and delivers from its cursor.
    /// </summary>
    public static Task SettledAsync(IGrainFactory grains, int partitions = Ledger.LedgerOptions.DefaultPartitions) =>
        Task.WhenAll(Enumerable.Range(0, partitions).Select(p => grains.GetGrain<Ledger.ILedgerPartitionGrain>(p).Delivered()));
}
