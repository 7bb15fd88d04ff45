using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Faults.Tests;

/// <summary>Volunteers paired with households, made through the grains as the API makes them.</summary>
internal static class FaultSeed
{
    public static readonly GeoPoint Home = new(22.5220, 113.3850);

    public static ReportedLocation AtHome => new(Home.Lat, Home.Lng, 10);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    /// <summary>A volunteer paired with a fresh household's weekly need in <paramref name="district"/>.</summary>
    public static async Task<Pair> PairedAsync(IGrainFactory grains, string district)
    {
        var volunteer = Unique("v");
        var upserted = await grains.GetGrain<IVolunteerGrain>(volunteer).Upsert(
            new VolunteerProfile("陈小明", "13800001234", district, ["visiting"], [new WeeklySlot(DayOfWeek.Monday, new(9, 0), new(12, 0))],
                VolunteerStatus.Active, new Willingness([], 5)),
            "test");
        Assert.True(upserted.Succeeded, upserted.Failure?.Title);

        var household = Unique("h");
        var made = await grains.GetGrain<IHouseholdGrain>(household).Upsert(
            new HouseholdProfile(district, "悦来社区", "孙文中路 1 号", Home, "elderly", RiskLevel.General, [new HouseholdMember("李婆婆", 82, ["livesAlone"])], []),
            "test");
        Assert.True(made.Succeeded, made.Failure?.Title);

        var need = await grains.GetGrain<IHouseholdGrain>(household).AddNeed(new NewNeed("elderly-visit", NeedFrequency.Weekly, 2, null, "test"));
        Assert.True(need.Succeeded, need.Failure?.Title);
        var pairing = await grains.GetGrain<IHouseholdGrain>(household).CreatePairing(volunteer, need.Value!.NeedId, "test");
        Assert.True(pairing.Succeeded, pairing.Failure?.Title);
        return new Pair(volunteer, household, need.Value.NeedId);
    }

    public sealed record Pair(string VolunteerId, string HouseholdId, string NeedId);
}
