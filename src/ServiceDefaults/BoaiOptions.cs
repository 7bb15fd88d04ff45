using Azure.Identity;
using Boai.Orleans.Persistence.AzureTable;

namespace Boai.Orleans.Hosting;

/// <summary>How silos find each other and clients find silos (section <c>Cluster</c>).</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";

    /// <summary><c>Localhost</c> (one silo, the default) or <c>Redis</c> (several silos).</summary>
    public ClusteringMode Mode { get; set; } = ClusteringMode.Localhost;

    public string ClusterId { get; set; } = "boai";

    public string ServiceId { get; set; } = "boai";

    /// <summary>StackExchange.Redis configuration string, for <see cref="ClusteringMode.Redis"/>.</summary>
    public string RedisConnectionString { get; set; } = "127.0.0.1:6379";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address this silo advertises; loopback by default.</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";
}

public enum ClusteringMode
{
    Localhost,
    Redis,
}

/// <summary>Azure Storage used for grain state and the hours ledger (section <c>Storage</c>).</summary>
public sealed class StorageSettings
{
    public const string SectionName = "Storage";

    /// <summary>An Azure Storage connection string; Azurite's well-known development account by default.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Where an Azure deployment uses a managed identity instead of a connection string.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// The grain-state table. Its default name changed with the bucketed layout (<see cref="GrainStateBatchPartitions"/>),
    /// so data written in the old one-partition-per-grain layout (table <c>BoaiGrainState</c>) is never misread.
    /// </summary>
    public string GrainStateTable { get; set; } = "BoaiGrainStateV2";

    /// <summary>
    /// Partitions per grain type in the grain-state table; writes of different grains to one partition are
    /// group-committed in one transaction. 0 is the old layout, one partition per grain, one request per write.
    /// Changing it moves every state: use it with a new <see cref="GrainStateTable"/> (or fresh data).
    /// </summary>
    public int GrainStateBatchPartitions { get; set; } = 16;

    public string LedgerTable { get; set; } = "BoaiVisitLedger";

    public string DistrictTable { get; set; } = "BoaiDistricts";

    public string AuditTable { get; set; } = "BoaiAudit";

    /// <summary>Points provider options at this account: the managed identity where a service URI is set, else the connection string.</summary>
    public void ApplyTo(AzureTableStorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (TableServiceUri is { } uri)
        {
            options.ServiceUri = uri;
            options.TokenCredential = new DefaultAzureCredential();
            options.ConnectionString = null;
        }
        else
        {
            options.ConnectionString = ConnectionString;
        }
    }
}
