namespace Boai.Orleans.Hosting;

/// <summary>How silos find each other and clients find silos (section <c>Cluster</c>).</summary>
public sealed class ClusterSettings
{
    public const string SectionName = "Cluster";

    /// <summary><c>Localhost</c> (one silo, the default) or <c>AzureStorage</c> (several silos, membership in the storage account).</summary>
    public ClusteringMode Mode { get; set; } = ClusteringMode.Localhost;

    public string ClusterId { get; set; } = "boai";

    public string ServiceId { get; set; } = "boai";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address this silo advertises; loopback by default.</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";
}

public enum ClusteringMode
{
    Localhost,

    /// <summary>Membership and reminders in Azure Table storage, on the same account as grain state.</summary>
    AzureStorage,
}

/// <summary>The one Azure Storage account of a cluster: grain state, membership, reminders, the ledger (section <c>Storage</c>).</summary>
public sealed class StorageSettings
{
    public const string SectionName = "Storage";

    /// <summary>An Azure Storage connection string; Azurite's well-known development account by default.</summary>
    public string ConnectionString { get; set; } = "UseDevelopmentStorage=true";

    /// <summary>Where an Azure deployment uses a managed identity instead of a connection string.</summary>
    public Uri? TableServiceUri { get; set; }

    /// <summary>
    /// The grain-state table of Orleans' Azure Table provider. A new name for its layout, so rows of the earlier
    /// hand-written provider (tables <c>BoaiGrainState</c>, <c>BoaiGrainStateV2</c>) are never misread.
    /// </summary>
    public string GrainStateTable { get; set; } = "BoaiGrainStateV3";

    /// <summary>Silo membership (Orleans' Azure Table clustering), in <see cref="ClusteringMode.AzureStorage"/>.</summary>
    public string MembershipTable { get; set; } = "BoaiClusterMembership";

    /// <summary>Reminders (Orleans' Azure Table reminder service), in <see cref="ClusteringMode.AzureStorage"/>.</summary>
    public string ReminderTable { get; set; } = "BoaiReminders";

    public string LedgerTable { get; set; } = "BoaiVisitLedgerV2";

    public string DistrictTable { get; set; } = "BoaiDistricts";

    public string AuditTable { get; set; } = "BoaiAudit";

    /// <summary>
    /// Writes behind a process sends at once (<see cref="Boai.Orleans.Storage.WriteBehindGate"/>): the volunteers' and
    /// households' states and the districts' rows written behind the ledger. A phone's step waits for its ledger append
    /// only, and that append queues at the storage account behind whatever is in flight; households that were visited
    /// together all write their state together a few seconds later, and without a bound that burst (a hundred writes at
    /// once in the bench) held the appends behind it for up to a second. 1 leaves the appends at most one write behind
    /// to queue after, and halves the writes behind a visit costs, each owner's changes joining its waiting write
    /// (docs/BENCHMARKS.md, sixth round: 0.19 single writes a pair at 4, 0.10 at 1, pairs a second no lower). On Azure
    /// Tables, at 10–20 ms a write, 1 still passes 50–100 writes behind a second per silo, several times the province's
    /// peak (docs/CAPACITY.md), and a slower turn only coalesces more. Writes someone waits for (a coordinator's
    /// change, a deactivation) do not take a slot, nor wait for the owner's write behind to get one.
    /// </summary>
    public int WritesBehindInFlight { get; set; } = 1;
}
