using Boai.Orleans.Districts;
using Boai.Orleans.Hosting;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;
using Boai.Orleans.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Boai.Orleans.Grains.Tests.Domain;

[CollectionDefinition(Name)]
public sealed class DomainClusterCollection : ICollectionFixture<DomainCluster>
{
    public const string Name = "domain cluster";
}

/// <summary>A real silo with the service's storage on Azurite and a clock the tests move forward.</summary>
public sealed class DomainCluster : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();
    private InProcessTestCluster? _cluster;

    public ShiftedTimeProvider Clock { get; } = new();

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    public IConfiguration Configuration { get; private set; } = new ConfigurationBuilder().Build();

    public AzuriteFixture Azurite => _azurite;

    /// <summary>The silo's ledger, with storage faults on demand.</summary>
    public FaultInjectingVisitLog Ledger => Cluster.Silos[0].ServiceProvider.GetRequiredService<FaultInjectingVisitLog>();

    /// <summary>The silo's district stores, held, failed or counted per district on demand.</summary>
    public GatedDistrictStores DistrictStores => Cluster.Silos[0].ServiceProvider.GetRequiredService<GatedDistrictStores>();

    /// <summary>The silo's grain storage, with write faults on demand per grain.</summary>
    public FaultInjectingGrainStorage GrainStorage => Cluster.Silos[0].ServiceProvider.GetRequiredService<FaultInjectingGrainStorage>();

    /// <summary>The silo's district stores, whose volunteers' read a test can hold open.</summary>
    public HeldVolunteerReads VolunteerReads => Cluster.Silos[0].ServiceProvider.GetRequiredService<HeldVolunteerReads>();

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = _azurite.ConnectionString,
            ["Storage:GrainStateTable"] = $"state{suffix}",
            ["Storage:LedgerTable"] = $"ledger{suffix}",
            ["Storage:DistrictTable"] = $"districts{suffix}",
            ["Storage:AuditTable"] = $"audit{suffix}",
            ["DistrictClock:Period"] = "00:00:00.200",
            ["Supervision:CheckPeriod"] = "00:00:00.200",
            ["Rules:AutoCertifyCleanVisits"] = "false",
            // Tests settle (every lane delivered and stored) many times; shorter writes behind than the service's 5 s
            // run the same code and keep each settle short.
            ["Households:WriteBehind"] = "00:00:01",
            ["Districts:FlushInterval"] = "00:00:01",
            // Tests move the clock by hours or days; a test's live-event listener must not expire meanwhile.
            ["LiveEvents:HostExpiry"] = "365.00:00:00",
        }).Build();

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            // The real ledger behind a switch the fault tests turn (registered first: the domain's defaults are TryAdd).
            silo.Services.AddSingleton<AzureTableVisitLog>();
            silo.Services.AddSingleton(sp => new FaultInjectingVisitLog(sp.GetRequiredService<AzureTableVisitLog>()));
            silo.Services.AddSingleton<IVisitLog>(sp => sp.GetRequiredService<FaultInjectingVisitLog>());
            // District stores whose writes a test can hold or fail, and whose volunteers' read it can hold open (registered
            // first, like the ledger).
            silo.Services.AddSingleton(sp => new GatedDistrictStores(new TableDistrictStoreFactory(sp.GetRequiredService<BoaiTables>())));
            silo.Services.AddSingleton(sp => new HeldVolunteerReads(sp.GetRequiredService<GatedDistrictStores>()));
            silo.Services.AddSingleton<IDistrictStoreFactory>(sp => sp.GetRequiredService<HeldVolunteerReads>());
            silo.Services.AddBoaiDomain(Configuration);
            silo.UseBoaiStorage(Configuration.GetStorageSettings());
            // Grain state behind a switch the fault tests turn, per grain (registered last: it replaces the default provider).
            silo.Services.AddSingleton(sp => new FaultInjectingGrainStorage(
                sp.GetRequiredKeyedService<IGrainStorage>(BoaiHostingExtensions.AzureTableStorageName)));
            silo.Services.AddKeyedSingleton<IGrainStorage>(
                ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (sp, _) => sp.GetRequiredService<FaultInjectingGrainStorage>());
            silo.UseInMemoryReminderService();
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    /// <summary>
    /// Completes once every visit event committed so far has reached its projections (volunteer, household, district,
    /// orders), which the ledger partitions deliver behind the request that appended it.
    /// </summary>
    public static Task SettledAsync(IGrainFactory grains, int partitions = LedgerOptions.DefaultPartitions) =>
        Task.WhenAll(Enumerable.Range(0, partitions).Select(p => grains.GetGrain<ILedgerPartitionGrain>(p).Delivered()));

    /// <summary>Waits, up to a bound, until a condition read from the cluster holds; the clock runs in the silo.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> holds, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var value = await read();
            if (holds(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}
