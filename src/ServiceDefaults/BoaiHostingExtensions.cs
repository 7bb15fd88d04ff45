using System.Net;
using Boai.Orleans.Districts;
using Boai.Orleans.Hosting.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using OpenTelemetry.Metrics;
using Orleans.Storage;

namespace Boai.Orleans.Hosting;

/// <summary>
/// The one place where silos and clients of this service are wired: clustering, storage and the domain's
/// services. The silo host, the dashboard host and the tests all call these.
/// </summary>
public static class BoaiHostingExtensions
{
    public static ClusterSettings GetClusterSettings(this IConfiguration configuration) =>
        configuration.GetSection(ClusterSettings.SectionName).Get<ClusterSettings>() ?? new ClusterSettings();

    public static StorageSettings GetStorageSettings(this IConfiguration configuration) =>
        configuration.GetSection(StorageSettings.SectionName).Get<StorageSettings>() ?? new StorageSettings();

    /// <summary>Runs an Orleans silo of the service in this host.</summary>
    public static IHostApplicationBuilder AddBoaiSilo(this IHostApplicationBuilder builder, Action<ISiloBuilder>? configure = null)
    {
        var cluster = builder.Configuration.GetClusterSettings();
        var storage = builder.Configuration.GetStorageSettings();
        builder.Services.AddBoaiDomain(builder.Configuration);
        builder.AddBoaiTelemetry("boai-silo", metrics => metrics.AddPrometheusExporter());
        builder.Services.AddOptions<SiloMetricsSettings>().Bind(builder.Configuration.GetSection(SiloMetricsSettings.SectionName));
        builder.Services.AddHostedService<SiloMetricsEndpoint>();
        builder.UseOrleans(silo =>
        {
            silo.UseBoaiClustering(cluster, storage);
            silo.UseBoaiStorage(storage);
            silo.UseBoaiClusterTls(builder.Configuration, builder.Environment);
            // Counters and grain statistics for the operators' cluster view (/orleans on the dashboard host).
            silo.AddDashboard();
            silo.AddStartupTask((services, _) => DistrictClockStartup.WakeAllAsync(
                services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<DistrictDirectory>()));
            // Supervision orders open at month end even when nobody looks.
            silo.AddStartupTask((services, _) => services.GetRequiredService<IGrainFactory>()
                .GetGrain<Supervision.ISupervisionClockGrain>(Supervision.ISupervisionClockGrain.Key).Wake());
            // The ledger's partition count is the table's own: read before the silo takes any call (a visit's partition
            // depends on it).
            silo.AddStartupTask(
                (services, cancellationToken) => services.GetRequiredService<Ledger.IVisitLog>().OpenAsync(cancellationToken),
                ServiceLifecycleStage.ApplicationServices);
            silo.AddStartupTask((services, _) => Ledger.LedgerStartup.WakeAllAsync(
                services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<Ledger.IVisitLog>()));
            // A stopping silo sends its writes behind at once, before it deactivates its grains (WriteBehindGate.Stopping).
            silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, WritesBehindOnStop>();
            configure?.Invoke(silo);
        });
        return builder;
    }

    /// <summary>Makes this host an Orleans client of the service's cluster.</summary>
    public static IHostApplicationBuilder AddBoaiClusterClient(this IHostApplicationBuilder builder, Action<IClientBuilder>? configure = null)
    {
        var cluster = builder.Configuration.GetClusterSettings();
        var storage = builder.Configuration.GetStorageSettings();
        builder.UseOrleansClient(client =>
        {
            client.UseBoaiClusterTls(builder.Configuration, builder.Environment);
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (cluster.Mode == ClusteringMode.AzureStorage)
            {
                client.UseBoaiMembership(storage);
            }
            else
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            }

            configure?.Invoke(client);
        });
        return builder;
    }

    public static ISiloBuilder UseBoaiClustering(this ISiloBuilder silo, ClusterSettings cluster, StorageSettings storage)
    {
        if (cluster.Mode == ClusteringMode.AzureStorage)
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedIPAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseBoaiMembership(storage);
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            // One silo: reminders live with it; district grains re-register theirs when a startup task activates them.
            silo.UseInMemoryReminderService();
        }

        return silo;
    }

    /// <summary>
    /// Membership and reminders in Azure Table storage (Orleans' providers), on the same account as grain state: a
    /// cluster needs nothing else. The cluster and service ids partition both tables.
    /// </summary>
    public static ISiloBuilder UseBoaiMembership(this ISiloBuilder silo, StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        silo.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = BoaiTableService.Create(storage, StorageCallBudget);
            o.TableName = storage.MembershipTable;
        });
        silo.UseAzureTableReminderService(o =>
        {
            o.TableServiceClient = BoaiTableService.Create(storage, StorageCallBudget);
            o.TableName = storage.ReminderTable;
        });
        return silo;
    }

    /// <summary>A client finds the cluster's gateways in the membership table of <see cref="UseBoaiMembership(ISiloBuilder, StorageSettings)"/>.</summary>
    public static IClientBuilder UseBoaiMembership(this IClientBuilder client, StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        return client.UseAzureStorageClustering(o =>
        {
            o.TableServiceClient = BoaiTableService.Create(storage, StorageCallBudget);
            o.TableName = storage.MembershipTable;
        });
    }

    /// <summary>
    /// Grain state in Orleans' Azure Table provider (System.Text.Json), through <see cref="CheckedGrainStorage"/>,
    /// with the SDK's retries bounded inside the grain call that writes (Orleans' <c>SiloMessagingOptions.ResponseTimeout</c>).
    /// </summary>
    public static ISiloBuilder UseBoaiStorage(this ISiloBuilder silo, StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        silo.AddAzureTableGrainStorage(AzureTableStorageName, options => options.Configure<IOptions<SiloMessagingOptions>, IServiceProvider>((o, messaging, services) =>
        {
            o.TableServiceClient = BoaiTableService.Create(storage, messaging.Value.ResponseTimeout * ShareOfResponseTimeout);
            o.TableName = storage.GrainStateTable;
            o.GrainStorageSerializer = ActivatorUtilities.CreateInstance<SystemTextJsonGrainStorageSerializer>(services);
        }));
        silo.Services.AddGrainStorage(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, (services, _) =>
            new CheckedGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(AzureTableStorageName)));
        return silo;
    }

    /// <summary>The name of Orleans' provider itself; grains use the default storage, which checks ids before it.</summary>
    public const string AzureTableStorageName = "AzureTable";

    // A storage call must end before the grain call that made it times out.
    private const double ShareOfResponseTimeout = 0.9;

    // Membership and reminder calls are not inside a grain call: bounded by Orleans' default response timeout all the same.
    private static readonly TimeSpan StorageCallBudget = TimeSpan.FromSeconds(27);
}
