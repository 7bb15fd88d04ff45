using Boai.Orleans.Households;
using Boai.Orleans.Orders;
using Boai.Orleans.Teams;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// Grain state that stays (orders, households, volunteers, pairings, teams): when a write fails — before storage took
/// it, or after (the answer lost) — the grain re-reads storage (or goes), so what it answers next is what storage
/// holds, never a change storage did not take; the caller's retry then stores the change exactly once.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class GrainStateFaultTests(DomainCluster domain) : IDisposable
{
    private const string District = "dachong";

    private IClusterClient Grains => domain.Client;

    private FaultInjectingGrainStorage Storage => domain.GrainStorage;

    public void Dispose() => Storage.Heal();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_order_claim_write_answers_what_storage_holds_and_the_retry_claims_it_once(bool landed)
    {
        var volunteer = await Seed.VolunteerAsync(Grains, District);
        var order = Grains.GetGrain<IOrderGrain>(await OrderAsync());
        Storage.FailNextWrites(order.GetGrainId(), landed: landed);

        await Assert.ThrowsAnyAsync<Exception>(() => order.Claim(volunteer));

        Assert.Equal(0, Storage.Pending(order.GetGrainId()));
        var answered = (await order.Get())!;
        Assert.Equal(landed ? OrderStatus.Claimed : OrderStatus.Open, answered.Status);
        Assert.Equal(answered.Status, (await RestartedAsync(order, () => order.Get()))!.Status);

        var retry = await order.Claim(volunteer);
        Assert.True(retry.Succeeded, retry.Failure?.Title);
        var stored = (await RestartedAsync(order, () => order.Get()))!;
        Assert.Equal(OrderStatus.Claimed, stored.Status);
        Assert.Equal(volunteer, stored.VolunteerId);
        Assert.Single(stored.History, s => s.Action == "claimed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_household_write_answers_what_storage_holds_and_the_retry_stores_it(bool landed)
    {
        var household = Grains.GetGrain<IHouseholdGrain>(await Seed.HouseholdAsync(Grains, District));
        Storage.FailNextWrites(household.GetGrainId(), landed: landed);

        await Assert.ThrowsAnyAsync<Exception>(() => household.ReportMajorChange("老人住院 / in hospital", "coordinator-1"));

        var answered = (await household.Get())!;
        Assert.Equal(landed ? "老人住院 / in hospital" : null, answered.MajorChangeNote);
        Assert.Equal(answered.MajorChangeNote, (await RestartedAsync(household, () => household.Get()))!.MajorChangeNote);

        Assert.True((await household.ReportMajorChange("老人住院 / in hospital", "coordinator-1")).Succeeded);
        Assert.Equal("老人住院 / in hospital", (await RestartedAsync(household, () => household.Get()))!.MajorChangeNote);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_pairing_write_answers_what_storage_holds_and_the_retry_makes_one_pairing_on_both_sides(bool landed)
    {
        var volunteer = Grains.GetGrain<IVolunteerGrain>(await Seed.VolunteerAsync(Grains, District));
        var householdId = await Seed.HouseholdAsync(Grains, District);
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var need = await Seed.NeedAsync(Grains, householdId);
        Storage.FailNextWrites(household.GetGrainId(), landed: landed);

        await Assert.ThrowsAnyAsync<Exception>(() => household.CreatePairing(volunteer.GetPrimaryKeyString(), need, "coordinator-1"));

        Assert.Equal(landed ? 1 : 0, (await household.Get())!.Pairings.Count);
        Assert.Equal(landed ? 1 : 0, (await RestartedAsync(household, () => household.Get()))!.Pairings.Count);

        var retry = await household.CreatePairing(volunteer.GetPrimaryKeyString(), need, "coordinator-1");
        Assert.True(retry.Succeeded, retry.Failure?.Title);
        var pairing = Assert.Single((await RestartedAsync(household, () => household.Get()))!.Pairings);
        Assert.Equal(retry.Value!.PairingId, pairing.PairingId);
        Assert.Equal(pairing.PairingId, Assert.Single((await RestartedAsync(volunteer, () => volunteer.Get()))!.Pairings).PairingId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_volunteer_write_answers_what_storage_holds_and_keeps_the_hours_the_ledger_has(bool landed)
    {
        var (volunteerId, household, need) = await Seed.PairedAsync(Grains, District);
        var volunteer = Grains.GetGrain<IVolunteerGrain>(volunteerId);
        var now = domain.Clock.GetUtcNow();
        var visit = Grains.Visit(volunteerId, Seed.Unique("visit"));
        Assert.True((await visit.CheckIn(new CheckIn(volunteerId, household, need, now.AddMinutes(-60), Seed.AtHome))).Succeeded);
        Assert.True((await visit.CheckOut(new CheckOut(volunteerId, now.AddMinutes(-15), Seed.AtHome, [], null))).Succeeded);
        await DomainCluster.SettledAsync(Grains);
        var profile = (await volunteer.Get())!.Profile;
        var renamed = profile with { Phone = "13900009999" };
        Storage.FailNextWrites(volunteer.GetGrainId(), landed: landed);

        // The write carries the visit's hours too (applied from the ledger, written behind): they stay whatever storage says.
        await Assert.ThrowsAnyAsync<Exception>(() => volunteer.Upsert(renamed, "coordinator-1"));

        var answered = (await volunteer.Get())!;
        Assert.Equal(landed ? renamed.Phone : profile.Phone, answered.Profile.Phone);
        Assert.Equal(0.75, answered.Hours.PendingHours);
        Assert.Equal(1, answered.Hours.Visits);
        var restarted = (await RestartedAsync(volunteer, () => volunteer.Get()))!;
        Assert.Equal(answered.Profile.Phone, restarted.Profile.Phone);
        Assert.Equal(answered.Hours, restarted.Hours);

        Assert.True((await volunteer.Upsert(renamed, "coordinator-1")).Succeeded);
        var stored = (await RestartedAsync(volunteer, () => volunteer.Get()))!;
        Assert.Equal(renamed.Phone, stored.Profile.Phone);
        Assert.Equal(1, stored.Hours.Visits);
        Assert.Single(stored.Pairings);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_team_write_answers_what_storage_holds_and_the_retry_adds_the_member_once(bool landed)
    {
        var leader = await Seed.VolunteerAsync(Grains, District);
        var member = await Seed.VolunteerAsync(Grains, District);
        var teamId = Seed.Unique("team");
        var team = Grains.GetGrain<IServiceTeamGrain>(teamId);
        Assert.True((await team.Upsert(new TeamProfile("大涌探访队", District, leader, TeamKind.Regional, null, null))).Succeeded);
        Storage.FailNextWrites(team.GetGrainId(), landed: landed);

        await Assert.ThrowsAnyAsync<Exception>(() => team.AddMember(member));

        Assert.Equal(landed ? [member] : [], (await team.Get())!.Members);
        Assert.Equal(landed ? [member] : [], (await RestartedAsync(team, () => team.Get()))!.Members);

        Assert.True((await team.AddMember(member)).Succeeded);
        Assert.Equal([member], (await RestartedAsync(team, () => team.Get()))!.Members);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_write_of_a_districts_team_list_answers_what_storage_holds_and_the_retry_lists_the_team_once(bool landed)
    {
        var leader = await Seed.VolunteerAsync(Grains, District);
        var list = Grains.GetGrain<IDistrictTeamsGrain>(District);
        var teamId = Seed.Unique("team");
        var team = Grains.GetGrain<IServiceTeamGrain>(teamId);
        var profile = new TeamProfile("大涌长者队", District, leader, TeamKind.Regional, null, null);
        Storage.FailNextWrites(list.GetGrainId(), landed: landed);

        // The team is stored; telling the district's list fails, and the coordinator's retry finishes the job.
        await Assert.ThrowsAnyAsync<Exception>(() => team.Upsert(profile));

        Assert.Equal(landed, (await list.List()).Contains(teamId));
        Assert.Equal(landed, (await RestartedAsync(list, () => list.List())).Contains(teamId));

        Assert.True((await team.Upsert(profile)).Succeeded);
        Assert.Single(await RestartedAsync(list, () => list.List()), t => t == teamId);
    }

    /// <summary>The grain's answer after its activation went: what storage holds.</summary>
    private async Task<T> RestartedAsync<T>(IAddressable grain, Func<Task<T>> read)
    {
        await domain.Cluster.DeactivateAsync(grain);
        await domain.Cluster.WaitForDeactivationAsync(grain);
        return await read();
    }

    private async Task<string> OrderAsync()
    {
        var household = await Seed.HouseholdAsync(Grains, District);
        var orderId = (await Grains.GetGrain<IHouseholdGrain>(household).ReserveOrderId()).Value!;
        var (start, end) = OrderTests.MondayMorning(domain.Clock.GetUtcNow());
        var outcome = await Grains.GetGrain<IOrderGrain>(orderId).Create(new NewOrder(household, "elderly-visit", start, end, "想找人陪聊", 3, "test"));
        Assert.True(outcome.Succeeded, outcome.Failure?.Title);
        return orderId;
    }
}
