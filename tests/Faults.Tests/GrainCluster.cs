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
        }).Build();

        var builder = new InProcessTestClusterBuilder(silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddBoaiDomain(configuration);
            silo.UseBoaiStorage(configuration.GetStorageSettings());
            silo.UseInMemoryReminderService();
            // A call to a grain on a silo that just died fails in seconds, as the dashboard's calls do.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }
}
