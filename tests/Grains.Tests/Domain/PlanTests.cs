using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// Whole-district matching and suggestions made ready unasked, on a real silo and Azurite. Each test has a district
/// of its own (no other test uses it), because a plan covers the whole district.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class PlanTests(DomainCluster domain)
{
    private const int Capacity = 5; // Matching:MaxPairingsPerVolunteer, default

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task The_plan_covers_as_many_needs_as_capacity_allows_and_nobody_above_it()
    {
        const string district = "huangpu";
        var free = await Seed.VolunteerAsync(Grains, district);
        var busy = await Seed.VolunteerAsync(Grains, district);
        for (var k = 0; k < 3; k++)
        {
            var h = await Seed.HouseholdAsync(Grains, district);
            await Seed.PairAsync(Grains, busy, h, await Seed.NeedAsync(Grains, h));
        }

        var needs = new List<string>();
        for (var k = 0; k < 9; k++)
        {
            needs.Add(await Seed.NeedAsync(Grains, await Seed.HouseholdAsync(Grains, district)));
        }

        var plan = await Grains.GetGrain<IDistrictGrain>(district).Plan();

        // Capacity left: 5 for the free volunteer, 5 - 3 for the busy one. Nine needs, seven places: seven proposals.
        Assert.Equal("minCostMaxFlow", plan.Algorithm);
        Assert.Equal(Capacity, plan.MaxPairingsPerVolunteer);
        Assert.Equal(9, plan.UncoveredNeeds);
        Assert.Equal(7, plan.Proposals.Count);
        Assert.Equal(5, plan.Proposals.Count(p => p.VolunteerId == free));
        Assert.Equal(2, plan.Proposals.Count(p => p.VolunteerId == busy));
        Assert.Equal(needs.Order(StringComparer.Ordinal), plan.Proposals.Select(p => p.NeedId).Concat(plan.Unassigned.Select(u => u.NeedId)).Order(StringComparer.Ordinal));
        Assert.All(plan.Unassigned, u => Assert.Equal(PlanWhy.CapacityUsed, u.Why));
        Assert.All(plan.Proposals, p =>
        {
            Assert.Equal("陈**", p.MaskedName);
            Assert.False(string.IsNullOrEmpty(p.Factors["load"].ZhCn));
        });
        Assert.Equal(plan.PlanId, (await Grains.GetGrain<IDistrictGrain>(district).Plan()).PlanId);
    }

    [Fact]
    public async Task Accepted_proposals_pair_the_needs_which_become_covered_and_accepting_again_pairs_nothing_new()
    {
        const string district = "nantou";
        string[] volunteers = [await Seed.VolunteerAsync(Grains, district), await Seed.VolunteerAsync(Grains, district)];
        var needs = new List<(string Household, string Need)>();
        for (var k = 0; k < 4; k++)
        {
            var h = await Seed.HouseholdAsync(Grains, district);
            needs.Add((h, await Seed.NeedAsync(Grains, h)));
        }

        var districtGrain = Grains.GetGrain<IDistrictGrain>(district);
        var plan = await districtGrain.Plan();
        Assert.Equal(4, plan.Proposals.Count);

        var first = await AcceptAsync(plan);
        var second = await AcceptAsync(plan);

        Assert.All(first, o => Assert.True(o.Succeeded && o.Created, o.Failure?.Title));
        // The same pairing again is answered, not made twice.
        Assert.All(second, o => Assert.True(o.Succeeded && !o.Created));
        Assert.Equal(first.Select(o => o.Value!.PairingId), second.Select(o => o.Value!.PairingId));
        Assert.Empty(await districtGrain.GetUncovered());
        foreach (var (household, need) in needs)
        {
            var file = await Grains.GetGrain<IHouseholdGrain>(household).Get();
            Assert.Single(file!.Pairings, p => p.NeedId == need);
        }

        // Another volunteer for a need already served, from a plan computed before: refused, nothing made.
        var other = plan.Proposals[0];
        var otherVolunteer = volunteers.First(v => v != other.VolunteerId);
        var late = await Grains.GetGrain<IHouseholdGrain>(other.HouseholdId).CreatePlannedPairing(otherVolunteer, other.NeedId, Capacity, "c");
        Assert.Equal(PairingRefusals.NeedCovered, late.Failure?.Code);
        Assert.Empty((await districtGrain.Plan()).Proposals);

        Task<Outcome<PairingView>[]> AcceptAsync(DistrictPlanView p) => Task.WhenAll(p.Proposals.Select(x =>
            Grains.GetGrain<IHouseholdGrain>(x.HouseholdId).CreatePlannedPairing(x.VolunteerId, x.NeedId, p.MaxPairingsPerVolunteer, "c")));
    }

    [Fact]
    public async Task A_planned_pairing_never_takes_a_volunteer_above_capacity()
    {
        const string district = "fusha";
        var volunteer = await Seed.VolunteerAsync(Grains, district);
        for (var k = 0; k < Capacity; k++)
        {
            var h = await Seed.HouseholdAsync(Grains, district);
            await Seed.PairAsync(Grains, volunteer, h, await Seed.NeedAsync(Grains, h));
        }

        var household = await Seed.HouseholdAsync(Grains, district);
        var need = await Seed.NeedAsync(Grains, household);

        var refused = await Grains.GetGrain<IHouseholdGrain>(household).CreatePlannedPairing(volunteer, need, Capacity, "c");
        var plan = await Grains.GetGrain<IDistrictGrain>(district).Plan();

        Assert.Equal(PairingRefusals.VolunteerAtCapacity, refused.Failure?.Code);
        Assert.Empty(plan.Proposals);
        Assert.Equal(PlanWhy.NoEligibleVolunteer, Assert.Single(plan.Unassigned).Why);
    }

    [Theory]
    [InlineData(VolunteerStatus.Left, "dongfeng")]
    [InlineData(VolunteerStatus.Paused, "gangkou")]
    public async Task A_volunteer_leaving_or_pausing_makes_suggestions_for_their_needs_ready_and_published_unasked(VolunteerStatus status, string district)
    {
        var leaving = await Seed.VolunteerAsync(Grains, district);
        var stays = await Seed.VolunteerAsync(Grains, district);
        var alsoStays = await Seed.VolunteerAsync(Grains, district);
        var needs = new List<string>();
        for (var k = 0; k < 2; k++)
        {
            var h = await Seed.HouseholdAsync(Grains, district);
            var n = await Seed.NeedAsync(Grains, h);
            await Seed.PairAsync(Grains, leaving, h, n);
            needs.Add(n);
        }

        await using var watch = await LiveWatch.StartAsync(Grains);
        var events = watch.Events;
        var grain = Grains.GetGrain<IVolunteerGrain>(leaving);
        await grain.Upsert((await grain.Get())!.Profile with { Status = status }, "c");

        // Nobody asks for suggestions: they arrive as live events.
        var ready = await DomainCluster.EventuallyAsync(
            () => Task.FromResult(events.Of(district).OfType<SuggestionsReadyEvent>().ToList()),
            list => needs.All(n => list.Any(e => e.NeedId == n)));

        var reason = status == VolunteerStatus.Left ? "volunteerLeft" : "volunteerPaused";
        foreach (var need in needs)
        {
            var published = ready.Last(e => e.NeedId == need);
            Assert.Equal(reason, published.Reason);
            Assert.Equal(new[] { stays, alsoStays }.Order(StringComparer.Ordinal), published.Suggestions.Select(s => s.VolunteerId).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(published.Suggestions, s => s.VolunteerId == leaving);
            Assert.All(published.Suggestions, s => Assert.Equal("陈**", s.MaskedName));

            // The needUncovered of the need is there, and goes first.
            var all = events.Of(district);
            Assert.InRange(all.FindIndex(e => e is NeedUncoveredEvent u && u.NeedId == need && u.Reason == reason), 0, all.IndexOf(published) - 1);
        }

        // And they are kept: the uncovered list has them without ranking again.
        var kept = await Grains.GetGrain<IDistrictGrain>(district).GetReadySuggestions();
        Assert.Equal(needs.Order(StringComparer.Ordinal), kept.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(ready.Last(e => e.NeedId == needs[0]).Suggestions.Select(s => s.VolunteerId), kept[needs[0]].Select(s => s.VolunteerId));
    }
}
