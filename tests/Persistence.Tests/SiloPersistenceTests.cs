using Azure.Data.Tables;
using Boai.Orleans.Persistence.AzureTable;
using Boai.Orleans.Testing;
using Orleans.TestingHost;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>The provider inside a real silo, registered as the default storage the way the service registers it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiloPersistenceTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string tableName = $"silo{Guid.NewGuid():N}";
    private InProcessTestCluster? cluster;

    private InProcessTestCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddAzureTableGrainStorageAsDefault(options =>
        {
            options.ConnectionString = azurite.ConnectionString;
            options.TableName = tableName;
        }));
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task Silo_start_creates_the_grain_state_table()
    {
        var tables = new TableServiceClient(azurite.ConnectionString).QueryAsync(t => t.Name == tableName);

        Assert.Single(await tables.ToListAsync());
    }

    [Fact]
    public async Task Grain_state_written_before_deactivation_is_read_by_the_next_activation()
    {
        var grain = Cluster.Client.GetGrain<INoteGrain>("household/h-1 中文");
        var fresh = await grain.GetAsync();

        await grain.SetAsync("visited on Tuesday");
        await grain.DeactivateAsync();
        var reactivated = await grain.GetAsync();

        Assert.False(fresh.RecordExists);
        Assert.NotEqual(fresh.ActivationId, reactivated.ActivationId);
        Assert.True(reactivated.RecordExists);
        Assert.Equal("visited on Tuesday", reactivated.Text);
        var stored = Assert.Single(await new TableClient(azurite.ConnectionString, tableName).QueryAsync<TableEntity>().ToListAsync());
        Assert.EndsWith("household~2Fh-1 中文", stored.PartitionKey, StringComparison.Ordinal);
        Assert.Equal("note", stored.RowKey);
        Assert.Contains("visited on Tuesday", stored.GetString(GrainStateEntity.TextProperty), StringComparison.Ordinal);
    }
}
