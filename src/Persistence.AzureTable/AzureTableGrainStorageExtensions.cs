using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;

namespace Boai.Orleans.Persistence.AzureTable;

/// <summary>Registers Azure Table grain storage providers by name.</summary>
public static class AzureTableGrainStorageExtensions
{
    /// <summary>Uses Azure Table grain storage for grains that do not name a storage provider.</summary>
    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<AzureTableStorageOptions> configure) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configure);

    /// <summary>Adds an Azure Table grain storage provider named <paramref name="name"/>.</summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<AzureTableStorageOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return builder.AddAzureTableGrainStorage(name, options => options.Configure(configure));
    }

    /// <summary>Uses Azure Table grain storage for grains that do not name a storage provider, configured through an options builder.</summary>
    public static ISiloBuilder AddAzureTableGrainStorageAsDefault(this ISiloBuilder builder, Action<OptionsBuilder<AzureTableStorageOptions>>? configureOptions = null) =>
        builder.AddAzureTableGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, configureOptions);

    /// <summary>Adds an Azure Table grain storage provider named <paramref name="name"/>, configured through an options builder.</summary>
    public static ISiloBuilder AddAzureTableGrainStorage(this ISiloBuilder builder, string name, Action<OptionsBuilder<AzureTableStorageOptions>>? configureOptions = null)
    {
        builder.Services.AddAzureTableGrainStorage(name, configureOptions);
        return builder;
    }

    /// <summary>
    /// Adds an Azure Table grain storage provider named <paramref name="name"/>: keyed <c>IGrainStorage</c>
    /// (and the unkeyed default when the name is <see cref="ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME"/>), a silo
    /// lifecycle participant that creates the table, and a validator of the named options.
    /// </summary>
    public static IServiceCollection AddAzureTableGrainStorage(this IServiceCollection services, string name, Action<OptionsBuilder<AzureTableStorageOptions>>? configureOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        configureOptions?.Invoke(services.AddOptions<AzureTableStorageOptions>(name));
        services.TryAddEnumerable(ServiceDescriptor.Transient<IPostConfigureOptions<AzureTableStorageOptions>, AzureTableStorageOptionsDefaults>());
        services.AddTransient<IConfigurationValidator>(sp =>
            new AzureTableStorageOptionsValidator(sp.GetRequiredService<IOptionsMonitor<AzureTableStorageOptions>>().Get(name), name));
        services.ConfigureNamedOptionForLogging<AzureTableStorageOptions>(name);
        return services.AddGrainStorage(name, AzureTableGrainStorage.Create);
    }
}
