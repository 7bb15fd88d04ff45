using Azure.Data.Tables;
using Boai.Orleans.Persistence.AzureTable;
using Boai.Orleans.Testing;
using Orleans.TestingHost;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>The provider inside a real silo, one partition per grain.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SiloPersistenceTests(AzuriteFixture azurite) : SiloPersistenceScenarios(azurite)
{
    protected override int BatchPartitions => 0;

    protected override void AssertKeys(TableEntity stored)
    {
        Assert.EndsWith("household~2Fh-1 中文", stored.PartitionKey, StringComparison.Ordinal);
        Assert.Equal("note", stored.RowKey);
    }
}

/// <summary>The provider inside a real silo, grains sharing partitions and writes group-committed.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BatchedSiloPersistenceTests(AzuriteFixture azurite) : SiloPersistenceScenarios(azurite)
{
    protected override int BatchPartitions => 4;

    protected override void AssertKeys(TableEntity stored)
    {
        Assert.Matches(@"\|note\|00[0-3]$", stored.PartitionKey);
        Assert.Equal("note~2Fhousehold~2Fh-1 中文|note", stored.RowKey);
    }
}

/// <summary>The provider inside a real silo, registered as the default storage the way the service registers it.</summary>
public abstract class SiloPersistenceScenarios(AzuriteFixture azurite) : IAsyncLifetime
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
            options.BatchPartitions = BatchPartitions;
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

    /// <summary>The layout under test (<see cref="AzureTableStorageOptions.BatchPartitions"/>).</summary>
    protected abstract int BatchPartitions { get; }

    /// <summary>Checks where the layout stored the state of note grain <c>household/h-1 中文</c>.</summary>
    protected abstract void AssertKeys(TableEntity stored);

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
        AssertKeys(stored);
        Assert.Contains("visited on Tuesday", stored.GetString(GrainStateEntity.TextProperty), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_writes_of_many_grains_are_all_read_by_their_next_activations()
    {
        var grains = Enumerable.Range(0, 60).Select(i => Cluster.Client.GetGrain<INoteGrain>($"household/h-{i}")).ToList();

        await Task.WhenAll(grains.Select((g, i) => g.SetAsync($"visit {i}")));
        await Task.WhenAll(grains.Select(g => g.DeactivateAsync()));
        var reactivated = await Task.WhenAll(grains.Select(g => g.GetAsync()));

        Assert.All(reactivated.Select((note, i) => (note, i)), x =>
        {
            Assert.True(x.note.RecordExists);
            Assert.Equal($"visit {x.i}", x.note.Text);
        });
    }
}
