namespace Boai.Orleans.Dashboard.Demo;

/// <summary>Demo data and motion (section <c>Demo</c>); both off unless configured.</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seed every district with volunteers, households, needs and pairings once the cluster answers.</summary>
    public bool Seed { get; set; }

    /// <summary>Play volunteers checking in and out across districts so the dashboard moves.</summary>
    public bool Simulate { get; set; }

    /// <summary>The random seed: the same seed makes the same people, ids and pairings.</summary>
    public int RandomSeed { get; set; } = 2026;

    public int VolunteersPerDistrict { get; set; } = 12;

    public int HouseholdsPerDistrict { get; set; } = 10;

    /// <summary>Share of needs paired on purpose; the rest stay uncovered for the dashboard to show.</summary>
    public double PairedShare { get; set; } = 0.8;

    /// <summary>Average time between two simulated check-ins.</summary>
    public TimeSpan SimulateEvery { get; set; } = TimeSpan.FromSeconds(1.5);

    /// <summary>At most this many simulated visits are open at once.</summary>
    public int MaxOpenVisits { get; set; } = 20;
}
