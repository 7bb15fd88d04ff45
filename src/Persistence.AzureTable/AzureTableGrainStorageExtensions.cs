using Orleans.Providers;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>Registers the Azure Table grain storage provider by name (placeholder until the provider lands).</summary>
public static class AzureTableGrainStorageExtensions
{
    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureTableStorageOptions> configure) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<AzureTableStorageOptions> configure) =>
        builder.AddMemoryGrainStorage(name);
}
