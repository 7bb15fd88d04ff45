using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>Records every test needs, made through the grains as the API makes them.</summary>
internal static class Seed
{
    public static readonly GeoPoint Home = new(22.5220, 113.3850);

    public static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];

    public static async Task<string> VolunteerAsync(IGrainFactory grains, string district = "shiqi", string? id = null)
    {
        id ??= Unique("v");
        var profile = new VolunteerProfile(
            "陈小明", "13800001234", district, ["visiting"], [new WeeklySlot(DayOfWeek.Monday, new(9, 0), new(12, 0))],
            VolunteerStatus.Active, new Willingness([], 5));
        var outcome = await grains.GetGrain<IVolunteerGrain>(id).Upsert(profile, "test");
        Assert.True(outcome.Succeeded, outcome.Failure?.Title);
        return id;
    }

    public static async Task<string> HouseholdAsync(IGrainFactory grains, string district = "shiqi", RiskLevel risk = RiskLevel.General)
    {
        var id = Unique("h");
        var profile = new HouseholdProfile(district, "悦来社区", "孙文中路 1 号", Home, "elderly", risk,
            [new HouseholdMember("李婆婆", 82, ["livesAlone"])], []);
        var outcome = await grains.GetGrain<IHouseholdGrain>(id).Upsert(profile, "test");
        Assert.True(outcome.Succeeded, outcome.Failure?.Title);
        return id;
    }

    public static async Task<string> NeedAsync(IGrainFactory grains, string householdId, NeedFrequency frequency = NeedFrequency.Weekly)
    {
        var outcome = await grains.GetGrain<IHouseholdGrain>(householdId).AddNeed(new NewNeed("elderly-visit", frequency, 2, null, "test"));
        Assert.True(outcome.Succeeded, outcome.Failure?.Title);
        return outcome.Value!.NeedId;
    }

    public static async Task<string> PairAsync(IGrainFactory grains, string volunteerId, string householdId, string needId)
    {
        var outcome = await grains.GetGrain<IHouseholdGrain>(householdId).CreatePairing(volunteerId, needId, "test");
        Assert.True(outcome.Succeeded, outcome.Failure?.Title);
        return outcome.Value!.PairingId;
    }

    /// <summary>A volunteer paired with a fresh household's weekly need.</summary>
    public static async Task<(string Volunteer, string Household, string Need)> PairedAsync(IGrainFactory grains, string district = "shiqi")
    {
        var volunteer = await VolunteerAsync(grains, district);
        var household = await HouseholdAsync(grains, district);
        var need = await NeedAsync(grains, household);
        await PairAsync(grains, volunteer, household, need);
        return (volunteer, household, need);
    }

    public static ReportedLocation AtHome => new(Home.Lat, Home.Lng, 10);

    /// <summary>A visit checked in <paramref name="minutesAgo"/> before <paramref name="now"/> and out 40 minutes later, both answered.</summary>
    public static async Task<(string VisitId, DateTimeOffset At)> VisitAsync(
        IGrainFactory grains, DateTimeOffset now, string volunteer, string household, string need, int minutesAgo = 50)
    {
        var visitId = Unique("visit");
        var visit = grains.Visit(volunteer, visitId);
        var at = now.AddMinutes(-minutesAgo);
        Assert.True((await visit.CheckIn(new CheckIn(volunteer, household, need, at, AtHome))).Succeeded);
        Assert.True((await visit.CheckOut(new CheckOut(volunteer, at.AddMinutes(40), AtHome, [], null))).Succeeded);
        return (visitId, at);
    }
}
