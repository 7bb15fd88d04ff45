using System.Net;
using Boai.Orleans.Districts;
using Boai.Orleans.Persistence.AzureTable;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Dashboard;
using StackExchange.Redis;

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
        builder.AddBoaiTelemetry("boai-silo");
        builder.UseOrleans(silo =>
        {
            silo.UseBoaiClustering(cluster);
            silo.UseBoaiStorage(storage);
            // Counters and grain statistics for the operators' cluster view (/orleans on the dashboard host).
            silo.AddDashboard();
            silo.AddStartupTask((services, _) => DistrictClockStartup.WakeAllAsync(
                services.GetRequiredService<IGrainFactory>(), services.GetRequiredService<DistrictDirectory>()));
            configure?.Invoke(silo);
        });
        return builder;
    }

    /// <summary>Makes this host an Orleans client of the service's cluster.</summary>
    public static IHostApplicationBuilder AddBoaiClusterClient(this IHostApplicationBuilder builder, Action<IClientBuilder>? configure = null)
    {
        var cluster = builder.Configuration.GetClusterSettings();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            if (cluster.Mode == ClusteringMode.Redis)
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
            }
            else
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            }

            configure?.Invoke(client);
        });
        return builder;
    }

    public static ISiloBuilder UseBoaiClustering(this ISiloBuilder silo, ClusterSettings cluster)
    {
        if (cluster.Mode == ClusteringMode.Redis)
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            silo.ConfigureEndpoints(IPAddress.Parse(cluster.AdvertisedIPAddress), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseRedisClustering(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
            silo.UseRedisReminderService(o => o.ConfigurationOptions = ConfigurationOptions.Parse(cluster.RedisConnectionString));
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            // One silo: reminders live with it; district grains re-register theirs when a startup task activates them.
            silo.UseInMemoryReminderService();
        }

        return silo;
    }

    public static ISiloBuilder UseBoaiStorage(this ISiloBuilder silo, StorageSettings storage)
    {
        silo.AddAzureTableGrainStorageAsDefault(o =>
        {
            storage.ApplyTo(o);
            o.TableName = storage.GrainStateTable;
            o.BatchPartitions = storage.GrainStateBatchPartitions;
        });
        return silo;
    }
}
