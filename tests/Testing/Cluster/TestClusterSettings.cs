namespace Boai.Orleans.Testing;

/// <summary>
/// The settings a test cluster's silos and dashboards share: its own cluster and service ids and its own tables, so
/// test clusters on one Azurite never see each other's data.
/// </summary>
public static class TestClusterSettings
{
    public static Dictionary<string, string?> Create(string storageConnectionString, string? name = null)
    {
        var id = name ?? "t" + Guid.NewGuid().ToString("N")[..10];
        return new Dictionary<string, string?>
        {
            ["Cluster:Mode"] = "Localhost",
            ["Cluster:ClusterId"] = id,
            ["Cluster:ServiceId"] = id,
            ["Storage:ConnectionString"] = storageConnectionString,
            ["Storage:GrainStateTable"] = id + "GrainState",
            ["Storage:LedgerTable"] = id + "Ledger",
            ["Storage:DistrictTable"] = id + "Districts",
            ["Storage:AuditTable"] = id + "Audit",
            ["Storage:MembershipTable"] = id + "Members",
            ["Storage:ReminderTable"] = id + "Reminders",
            // Dashboards that register late still get events at once.
            ["LiveEvents:HostListRefresh"] = "00:00:00.100",
        };
    }
}
