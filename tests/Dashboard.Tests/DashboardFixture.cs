using Boai.Orleans.Testing;

namespace Boai.Orleans.Dashboard.Tests;

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard";
}

/// <summary>One Azurite, one real silo and one dashboard shared by the collection; other dashboards on demand.</summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private readonly List<DashboardFactory> _extra = [];

    public AzuriteFixture Azurite { get; } = new();

    public Dictionary<string, string?> Settings { get; private set; } = [];

    public TestSilo Silo { get; private set; } = null!;

    public DashboardFactory Dashboard { get; private set; } = null!;

    public Records Records { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Azurite.InitializeAsync();
        Settings = TestClusterSettings.Create(Azurite.ConnectionString);
        Silo = await TestSilo.StartAsync(Settings);
        Dashboard = new DashboardFactory(Settings, Silo.GatewayPort);
        _ = Dashboard.Server;
        Records = new Records(Dashboard);
    }

    /// <summary>Another dashboard on the same cluster, with its own settings; disposed with the fixture.</summary>
    public DashboardFactory NewDashboard(IReadOnlyDictionary<string, string?>? overrides = null, string environment = "Development")
    {
        var dashboard = new DashboardFactory(Settings, Silo.GatewayPort, overrides, environment);
        _extra.Add(dashboard);
        _ = dashboard.Server;
        return dashboard;
    }

    public async Task DisposeAsync()
    {
        foreach (var dashboard in _extra)
        {
            await dashboard.DisposeAsync();
        }

        await Dashboard.DisposeAsync();
        await Silo.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
