using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// A check-in asks the household whether its volunteer may visit; the household's own calls hold its turn while they
/// write its state and tell the district. The check-in's question is answered beside them, from what storage holds.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class HouseholdVisitAccessTests(DomainCluster domain)
{
    // Only bounds a failure: on the code before, the check-in waits for the held write and never completes by itself.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    [Fact]
    public async Task A_check_in_is_answered_while_its_households_storage_write_is_held()
    {
        var (volunteer, householdId, need) = await Seed.PairedAsync(Grains);
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var hold = domain.GrainStorage.HoldNextWrite(household.GetGrainId());
        var change = household.ReportMajorChange("住院 / in hospital", "test");
        await hold.Entered.WaitAsync(Bound);

        var checkIn = await Grains.Visit(volunteer, Seed.Unique("visit"))
            .CheckIn(new CheckIn(volunteer, householdId, need, Now.AddMinutes(-10), Seed.AtHome))
            .WaitAsync(Bound);

        Assert.True(checkIn.Created, checkIn.Failure?.Title);
        Assert.False(change.IsCompleted);
        hold.Release();
        Assert.True((await change).Succeeded);
    }

    [Fact]
    public async Task A_pairing_lets_its_volunteer_check_in_only_once_it_is_stored()
    {
        var volunteer = await Seed.VolunteerAsync(Grains);
        var householdId = await Seed.HouseholdAsync(Grains);
        var need = await Seed.NeedAsync(Grains, householdId);
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var hold = domain.GrainStorage.HoldNextWrite(household.GetGrainId());
        var pairing = household.CreatePairing(volunteer, need, "test");
        await hold.Entered.WaitAsync(Bound);

        // The pairing is in the household's memory, not yet in storage: the check-in is answered, and refused.
        var early = await Grains.Visit(volunteer, Seed.Unique("visit"))
            .CheckIn(new CheckIn(volunteer, householdId, need, Now.AddMinutes(-10), Seed.AtHome))
            .WaitAsync(Bound);
        Assert.Equal(FailureKind.Forbidden, early.Failure?.Kind);

        hold.Release();
        Assert.True((await pairing).Succeeded);
        var stored = await Grains.Visit(volunteer, Seed.Unique("visit"))
            .CheckIn(new CheckIn(volunteer, householdId, need, Now.AddMinutes(-5), Seed.AtHome));
        Assert.True(stored.Created, stored.Failure?.Title);
    }
}
