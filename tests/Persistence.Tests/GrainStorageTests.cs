using System.Text.Json;
using Azure.Data.Tables;
using Boai.Orleans.Hosting;
using Boai.Orleans.Hosting.Storage;
using Boai.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>
/// Grain state as the service stores it (<see cref="BoaiHostingExtensions.UseBoaiStorage"/>): Orleans' Azure Table
/// provider with System.Text.Json, inside a real silo, on a real Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class GrainStorageTests(AzuriteFixture azurite) : IAsyncLifetime
{
    private readonly string tableName = $"state{Guid.NewGuid():N}";
    private InProcessTestCluster? cluster;

    private InProcessTestCluster Cluster => cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var storage = new StorageSettings { ConnectionString = azurite.ConnectionString, GrainStateTable = tableName };
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.UseBoaiStorage(storage));
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
    public async Task State_is_one_json_row_of_Orleans_layout_and_the_next_activation_reads_it()
    {
        var grain = Cluster.Client.GetGrain<INoteGrain>("h-1.中文");
        var fresh = await grain.GetAsync();

        await grain.SetAsync("visited on Tuesday");
        await grain.DeactivateAsync();
        var reactivated = await grain.GetAsync();

        Assert.False(fresh.RecordExists);
        Assert.NotEqual(fresh.ActivationId, reactivated.ActivationId);
        Assert.True(reactivated.RecordExists);
        Assert.Equal("visited on Tuesday", reactivated.Text);
        var stored = Assert.Single(await Rows());
        Assert.Equal($"{ServiceId}_note_h-1.中文", stored.PartitionKey);
        Assert.Equal("note", stored.RowKey);
        using var json = JsonDocument.Parse(stored.GetBinary("Data"));
        Assert.Equal("visited on Tuesday", json.RootElement.GetProperty("Text").GetString());
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData(@"a\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    public async Task A_key_that_the_provider_would_merge_with_another_is_refused_and_stores_nothing(string key)
    {
        // Orleans' provider writes '/', '\', '#' and '?' as '_': unchecked, this grain would share a_b's row.
        var neighbour = Cluster.Client.GetGrain<INoteGrain>("a_b");
        await neighbour.SetAsync("a_b's note");

        // Refused when the activation first reads its state: it never holds a_b's state, nor writes over it.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => Cluster.Client.GetGrain<INoteGrain>(key).SetAsync("overwrites a_b?"));

        var cause = Assert.IsType<ArgumentException>(refused.GetBaseException());
        Assert.Contains("cannot be stored apart", cause.Message, StringComparison.Ordinal);
        await neighbour.DeactivateAsync();
        Assert.Equal("a_b's note", (await neighbour.GetAsync()).Text);
        Assert.Single(await Rows(), r => r.PartitionKey.EndsWith("a_b", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_grain_type_of_the_service_is_stored_apart_from_every_other()
    {
        var manifest = Cluster.Silos[0].ServiceProvider.GetRequiredService<IClusterManifestProvider>().LocalGrainManifest;
        var types = manifest.Grains.Keys.Select(t => t.ToString()!).Where(t => !t.StartsWith("sys.", StringComparison.Ordinal)).ToList();

        Assert.Contains("volunteer", types);
        Assert.Contains("household", types);
        Assert.All(types, type => Assert.Null(GrainStateKeys.Problem(GrainId.Create(type, "v-1"), "state")));
    }

    [Fact]
    public async Task Concurrent_writes_of_many_grains_are_all_read_by_their_next_activations()
    {
        var grains = Enumerable.Range(0, 60).Select(i => Cluster.Client.GetGrain<INoteGrain>($"h-{i}")).ToList();

        await Task.WhenAll(grains.Select((g, i) => g.SetAsync($"visit {i}")));
        await Task.WhenAll(grains.Select(g => g.DeactivateAsync()));
        var reactivated = await Task.WhenAll(grains.Select(g => g.GetAsync()));

        Assert.All(reactivated.Select((note, i) => (note, i)), x =>
        {
            Assert.True(x.note.RecordExists);
            Assert.Equal($"visit {x.i}", x.note.Text);
        });
    }

    [Fact]
    public async Task A_write_whose_state_storage_already_holds_succeeds_with_the_stored_etag_and_any_other_conflict_stays_one()
    {
        // The SDK retried an insert whose first attempt landed: the provider sees a conflict, storage holds this state.
        var grain = Cluster.Client.GetGrain<INoteGrain>("h-ambiguous");
        await grain.SetAsync("checked in");
        var storage = Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var grainId = grain.GetGrainId();
        var retried = new GrainState<Note>(new Note { Text = "checked in", Revision = 1 });

        await storage.WriteStateAsync("note", grainId, retried);

        Assert.True(retried.RecordExists);
        var reread = new GrainState<Note>();
        await storage.ReadStateAsync("note", grainId, reread);
        Assert.Equal(reread.ETag, retried.ETag);
        Assert.Equal("checked in", reread.State!.Text);

        // A stale writer with other content is refused, and storage keeps what it had.
        var stale = new GrainState<Note>(new Note { Text = "something else", Revision = 1 });
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => storage.WriteStateAsync("note", grainId, stale));
        await storage.ReadStateAsync("note", grainId, reread);
        Assert.Equal("checked in", reread.State!.Text);
    }

    private string ServiceId => Cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId;

    private async Task<List<TableEntity>> Rows() =>
        await new TableClient(azurite.ConnectionString, tableName).QueryAsync<TableEntity>().ToListAsync();
}
