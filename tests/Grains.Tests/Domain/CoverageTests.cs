using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class CoverageTests(DomainCluster domain)
{
    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task A_new_need_starts_uncovered_and_a_pairing_covers_it()
    {
        var household = await Seed.HouseholdAsync(Grains, "dongqu");
        var need = await Seed.NeedAsync(Grains, household);
        var before = await Grains.GetGrain<IDistrictGrain>("dongqu").GetUncovered();

        var volunteer = await Seed.VolunteerAsync(Grains, "dongqu");
        await Seed.PairAsync(Grains, volunteer, household, need);
        var after = await Grains.GetGrain<IDistrictGrain>("dongqu").GetUncovered();

        Assert.Contains(before, u => u.NeedId == need && u.Reason == UncoveredReason.NoActivePairing);
        Assert.DoesNotContain(after, u => u.NeedId == need);
    }

    [Fact]
    public async Task Volunteer_leaving_uncovers_their_needs()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains, "xiqu");
        var secondHousehold = await Seed.HouseholdAsync(Grains, "xiqu");
        var secondNeed = await Seed.NeedAsync(Grains, secondHousehold);
        await Seed.PairAsync(Grains, volunteer, secondHousehold, secondNeed);
        var grain = Grains.GetGrain<IVolunteerGrain>(volunteer);
        var profile = (await grain.Get())!.Profile;

        await grain.Upsert(profile with { Status = VolunteerStatus.Left }, "coordinator-1");
        var uncovered = await Grains.GetGrain<IDistrictGrain>("xiqu").GetUncovered();
        var view = await grain.Get();

        Assert.Contains(uncovered, u => u.NeedId == need && u.Reason == UncoveredReason.VolunteerLeft);
        Assert.Contains(uncovered, u => u.NeedId == secondNeed && u.Reason == UncoveredReason.VolunteerLeft);
        Assert.Empty(view!.Pairings);
    }

    [Fact]
    public async Task Volunteer_pausing_uncovers_their_needs_until_they_return()
    {
        var (volunteer, _, need) = await Seed.PairedAsync(Grains, "nanqu");
        var grain = Grains.GetGrain<IVolunteerGrain>(volunteer);
        var profile = (await grain.Get())!.Profile;

        await grain.Upsert(profile with { Status = VolunteerStatus.Paused }, "coordinator-1");
        var paused = await Grains.GetGrain<IDistrictGrain>("nanqu").GetUncovered();
        await grain.Upsert(profile with { Status = VolunteerStatus.Active }, "coordinator-1");
        var back = await Grains.GetGrain<IDistrictGrain>("nanqu").GetUncovered();

        Assert.Contains(paused, u => u.NeedId == need && u.Reason == UncoveredReason.VolunteerPaused);
        Assert.DoesNotContain(back, u => u.NeedId == need);
    }

    [Fact]
    public async Task Ending_a_pairing_uncovers_the_need_unless_another_serves_it()
    {
        var (first, household, need) = await Seed.PairedAsync(Grains, "huoju");
        var second = await Seed.VolunteerAsync(Grains, "huoju");
        var secondPairing = await Seed.PairAsync(Grains, second, household, need);
        var firstPairing = (await Grains.GetGrain<IVolunteerGrain>(first).Get())!.Pairings.Single().PairingId;
        var h = Grains.GetGrain<IHouseholdGrain>(household);

        await h.EndPairing(firstPairing, "coordinator-1");
        var stillCovered = await Grains.GetGrain<IDistrictGrain>("huoju").GetUncovered();
        await h.EndPairing(secondPairing, "coordinator-1");
        var uncovered = await Grains.GetGrain<IDistrictGrain>("huoju").GetUncovered();

        Assert.DoesNotContain(stillCovered, u => u.NeedId == need);
        Assert.Contains(uncovered, u => u.NeedId == need && u.Reason == UncoveredReason.NoActivePairing);
    }

    [Fact]
    public async Task Overdue_need_becomes_uncovered_with_no_request()
    {
        var (_, _, need) = await Seed.PairedAsync(Grains, "wuguishan");
        var district = Grains.GetGrain<IDistrictGrain>("wuguishan");
        Assert.DoesNotContain(await district.GetUncovered(), u => u.NeedId == need);

        // A weekly need with a two-day grace: ten days without a visit is overdue. Nobody calls the household.
        domain.Clock.Advance(TimeSpan.FromDays(10));
        var uncovered = await DomainCluster.EventuallyAsync(district.GetUncovered, list => list.Any(u => u.NeedId == need));

        var entry = Assert.Single(uncovered, u => u.NeedId == need);
        Assert.Equal(UncoveredReason.Overdue, entry.Reason);
    }
}
