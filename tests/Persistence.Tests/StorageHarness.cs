using System.Diagnostics.CodeAnalysis;
using Azure.Data.Tables;
using Boai.Orleans.Persistence.AzureTable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;
using Orleans.Storage;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>
/// One provider registered the way a silo registers it (named options, validator, keyed <see cref="IGrainStorage"/>),
/// on a fresh table of its own, initialized as the silo lifecycle would.
/// </summary>
internal sealed class StorageHarness : IAsyncDisposable
{
    public const string ServiceId = "boai-tests";
    private const string ProviderName = "Test";

    private readonly ServiceProvider services;

    private StorageHarness(ServiceProvider services, AzureTableGrainStorage storage, AzureTableStorageOptions options)
    {
        this.services = services;
        Provider = storage;
        Storage = storage;
        Options = options;
        Table = options.CreateTableClient();
    }

    public IGrainStorage Storage { get; }

    /// <summary>The provider itself, for its layout and its counters of transactions and single writes.</summary>
    public AzureTableGrainStorage Provider { get; }

    public AzureTableStorageOptions Options { get; }

    /// <summary>The provider's table, read directly to see what the provider stored.</summary>
    public TableClient Table { get; }

    public static async Task<StorageHarness> StartAsync(string connectionString, Action<AzureTableStorageOptions>? configure = null, bool initialize = true)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSerializer();
        services.Configure<ClusterOptions>(o => o.ServiceId = ServiceId);
        services.AddAzureTableGrainStorage(ProviderName, builder => builder.Configure(options =>
        {
            options.ConnectionString = connectionString;
            options.TableName = $"t{Guid.NewGuid():N}";
            configure?.Invoke(options);
        }));
        var provider = services.BuildServiceProvider();
        foreach (var validator in provider.GetServices<IConfigurationValidator>())
        {
            validator.ValidateConfiguration();
        }

        var storage = (AzureTableGrainStorage)provider.GetRequiredKeyedService<IGrainStorage>(ProviderName);
        if (initialize)
        {
            await storage.InitializeAsync(CancellationToken.None);
        }

        var options = provider.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(ProviderName);
        return new StorageHarness(provider, storage, options);
    }

    public async Task<NoteState> ReadAsync(GrainId grainId, string stateName = "note")
    {
        var state = new NoteState();
        await Storage.ReadStateAsync(stateName, grainId, state);
        return state;
    }

    /// <summary>The raw entity of a grain state, or null when there is none.</summary>
    public async Task<TableEntity?> EntityAsync(GrainId grainId, string stateName = "note")
    {
        var (partitionKey, rowKey) = Provider.Keys(stateName, grainId);
        var response = await Table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey);
        return response.HasValue ? response.Value : null;
    }

    public ValueTask DisposeAsync() => services.DisposeAsync();
}

/// <summary>The state the tests store: plain properties, as grain state usually is.</summary>
public sealed class Note
{
    public string? Text { get; set; }

    public int Revision { get; set; }

    public byte[]? Attachment { get; set; }
}

/// <summary>A grain's in-memory copy of its note, as Orleans keeps it between storage calls.</summary>
public sealed class NoteState : IGrainState<Note>
{
    public NoteState()
    {
    }

    public NoteState(Note state) => State = state;

    [AllowNull]
    public Note State
    {
        get;
        set => field = value ?? new Note();
    } = new();

    public string? ETag { get; set; }

    public bool RecordExists { get; set; }
}
