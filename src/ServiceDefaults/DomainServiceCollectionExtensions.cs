using Azure.Data.Tables;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Matching;
using Boai.Orleans.Orders;
using Boai.Orleans.Hosting.Storage;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Serialization;

namespace Boai.Orleans.Hosting;

public static class DomainServiceCollectionExtensions
{
    /// <summary>Bounded so a storage call of the domain's tables gives up well before Orleans' 30 s response timeout.</summary>
    private static readonly TimeSpan DomainStorageBudget = TimeSpan.FromSeconds(26);

    /// <summary>What grains and the dashboard both read: time, the rules, the catalogue, the districts, the tables, the ledger.</summary>
    public static IServiceCollection AddBoaiDomain(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ServiceRulesOptions>().Bind(configuration.GetSection(ServiceRulesOptions.SectionName));
        services.AddOptions<DistrictClockOptions>().Bind(configuration.GetSection(DistrictClockOptions.SectionName));
        services.AddOptions<DistrictOptions>()
            .Bind(configuration.GetSection(DistrictOptions.SectionName))
            .BelowGrainCallTimeout(o => o.FlushInterval, "Districts:FlushInterval", "district");
        services.AddOptions<Households.HouseholdOptions>()
            .Bind(configuration.GetSection(Households.HouseholdOptions.SectionName))
            .BelowGrainCallTimeout(o => o.WriteBehind, "Households:WriteBehind", "household");
        services.AddOptions<MatchingOptions>().Bind(configuration.GetSection(MatchingOptions.SectionName));
        services.AddOptions<LiveEventOptions>().Bind(configuration.GetSection(LiveEventOptions.SectionName));
        services.AddOptions<OrderOptions>().Bind(configuration.GetSection(OrderOptions.SectionName));
        services.AddOptions<Certification.PendingQueueOptions>().Bind(configuration.GetSection(Certification.PendingQueueOptions.SectionName));
        services.AddOptions<Supervision.SupervisionOptions>().Bind(configuration.GetSection(Supervision.SupervisionOptions.SectionName));
        services.TryAddSingleton(_ => ServiceCatalogue.Load(configuration["Catalogue:Path"]));
        services.TryAddSingleton(_ => DistrictDirectory.Load(configuration["Districts:Path"]));

        var storage = configuration.GetStorageSettings();
        services.TryAddSingleton(_ => new BoaiTables(
            CreateTableService(storage),
            BoaiTableService.CreateTransactions(storage, DomainStorageBudget),
            new BoaiTableOptions { LedgerTable = storage.LedgerTable, DistrictTable = storage.DistrictTable, AuditTable = storage.AuditTable }));
        services.AddOptions<LedgerOptions>().Bind(configuration.GetSection(LedgerOptions.SectionName));
        services.TryAddSingleton<IVisitLog, AzureTableVisitLog>();
        services.TryAddSingleton<IVisitLedger, VisitLedger>();
        services.TryAddSingleton<IDistrictStoreFactory, TableDistrictStoreFactory>();
        services.TryAddSingleton(_ => new WriteBehindGate(storage.WritesBehindInFlight));
        services.AddBoaiExceptionSerialization();
        return services;
    }

    /// <summary>
    /// A write-behind interval that a ledger lane's call to its owner waits for (<c>Stored</c>): above zero and below the
    /// grain call timeout, checked as the host starts, else every such call would time out before the write it waits for.
    /// </summary>
    private static OptionsBuilder<T> BelowGrainCallTimeout<T>(this OptionsBuilder<T> options, Func<T, TimeSpan> interval, string setting, string owner)
        where T : class =>
        options
            .Validate<IOptions<SiloMessagingOptions>>(
                (o, messaging) => interval(o) > TimeSpan.Zero && interval(o) < messaging.Value.ResponseTimeout,
                $"{setting} must be above zero and below the grain call timeout (Orleans' ResponseTimeout, 30 s): "
                + $"the ledger's lane waits in a call to the {owner} for its write behind.")
            .ValidateOnStart();

    /// <summary>
    /// The service's own exceptions cross grain calls between silos (a fenced ledger append, from its partition to the
    /// visit that sends the step once more; a fenced district write): Orleans serialises exceptions only of the
    /// namespaces it is told (System, Microsoft, Azure by default) and answers any other as a
    /// <c>CodecNotFoundException</c>. Theirs arrive as themselves: type, message, inner exception, stack.
    /// </summary>
    public static IServiceCollection AddBoaiExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add("Boai.Orleans."));

    /// <summary>The table service of the domain's own tables (ledger, districts, audit), on the cluster's one account.</summary>
    public static TableServiceClient CreateTableService(StorageSettings storage) => BoaiTableService.Create(storage, DomainStorageBudget);
}
