using Azure.Data.Tables;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Matching;
using Boai.Orleans.Orders;
using Boai.Orleans.Persistence.AzureTable;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Boai.Orleans.Hosting;

public static class DomainServiceCollectionExtensions
{
    /// <summary>What grains and the dashboard both read: time, the rules, the catalogue, the districts, the tables, the ledger.</summary>
    public static IServiceCollection AddBoaiDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ServiceRulesOptions>().Bind(configuration.GetSection(ServiceRulesOptions.SectionName));
        services.AddOptions<DistrictClockOptions>().Bind(configuration.GetSection(DistrictClockOptions.SectionName));
        services.AddOptions<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.SectionName));
        services.AddOptions<LiveEventOptions>().Bind(configuration.GetSection(LiveEventOptions.SectionName));
        services.AddOptions<OrderOptions>().Bind(configuration.GetSection(OrderOptions.SectionName));
        services.TryAddSingleton(_ => ServiceCatalogue.Load(configuration["Catalogue:Path"]));
        services.TryAddSingleton(_ => DistrictDirectory.Load(configuration["Districts:Path"]));

        var storage = configuration.GetStorageSettings();
        services.TryAddSingleton(_ => new BoaiTables(
            CreateTableService(storage),
            new BoaiTableOptions { LedgerTable = storage.LedgerTable, DistrictTable = storage.DistrictTable, AuditTable = storage.AuditTable }));
        services.TryAddSingleton<IVisitLedger, AzureTableVisitLedger>();
        return services;
    }

    /// <summary>
    /// The table service of the domain's own tables (ledger, districts, audit): the same account and credentials as
    /// the grain storage provider, through the provider's own <see cref="AzureTableStorageOptions.CreateServiceClient"/>.
    /// </summary>
    public static TableServiceClient CreateTableService(StorageSettings storage)
    {
        var options = new AzureTableStorageOptions();
        storage.ApplyTo(options);
        // Bounded so a storage call gives up well before Orleans' 30 s response timeout.
        options.ClientOptions.Retry.MaxRetries = 3;
        options.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.ClientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.ClientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(5);
        return options.CreateServiceClient();
    }
}
