using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Visits;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>The due-today list (EVV's "not yet checked in"): planned slots, check-ins, check-outs and the district's clock.</summary>
[Collection(DomainClusterCollection.Name)]
public sealed class DueTodayTests(DomainCluster domain)
{
    private static readonly TimeSpan Lead = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Grace = new ServiceRulesOptions().DueTodayGrace;
    private static readonly TimeZoneInfo Zone = TimeZones.Find(new ServiceRulesOptions().TimeZone);

    private readonly List<LiveEventCollector> _listeners = [];

    private IClusterClient Grains => domain.Client;

    [Fact]
    public async Task A_due_visit_nobody_checked_in_turns_late_at_slot_start_plus_grace_with_no_request()
    {
        var events = await ListenAsync();
        var (pairing, household, volunteer) = await PlannedSoonAsync("banfu");
        var district = Grains.GetGrain<IDistrictGrain>("banfu");
        var before = Assert.Single(await district.GetDueToday(), d => d.PairingId == pairing);

        domain.Clock.Advance(Lead + Grace + TimeSpan.FromMinutes(1));
        var after = await DomainCluster.EventuallyAsync(
            async () => (await district.GetDueToday()).Single(d => d.PairingId == pairing), d => d.State == DueVisitState.Late);
        var late = await DomainCluster.EventuallyAsync(
            () => Task.FromResult(events.All().OfType<VisitLateEvent>().Where(e => e.HouseholdId == household).ToList()), e => e.Count > 0);
        var summary = await district.GetSummary();

        Assert.Equal(DueVisitState.Due, before.State);
        Assert.Equal(volunteer, before.VolunteerId);
        Assert.Equal(DueVisitState.Late, after.State);
        Assert.Equal(before.SlotStart + Grace, after.LateSince);
        var evt = Assert.Single(late);
        Assert.Equal(before.NeedId, evt.NeedId);
        Assert.Equal(volunteer, evt.VolunteerId);
        Assert.Equal(before.SlotStart, evt.SlotStart);
        Assert.True(summary.DueToday >= 1);
        Assert.True(summary.LateToday >= 1);
    }

    [Fact]
    public async Task A_check_in_before_the_late_time_starts_the_visit_and_a_check_out_makes_it_done()
    {
        var events = await ListenAsync();
        var (pairing, household, volunteer) = await PlannedSoonAsync("shenwan");
        var district = Grains.GetGrain<IDistrictGrain>("shenwan");
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        var need = Assert.Single(await district.GetDueToday(), d => d.PairingId == pairing).NeedId;

        var checkedIn = await visit.CheckIn(new CheckIn(volunteer, household, need, domain.Clock.GetUtcNow(), Seed.AtHome));
        await DomainCluster.SettledAsync(Grains);
        var started = Assert.Single(await district.GetDueToday(), d => d.PairingId == pairing);
        domain.Clock.Advance(Lead + Grace + TimeSpan.FromMinutes(1));
        // A few clock ticks later the visit is still started: a visit checked in is never late.
        await Task.Delay(TimeSpan.FromSeconds(1));
        var afterLateTime = Assert.Single(await district.GetDueToday(), d => d.PairingId == pairing);
        var checkedOut = await visit.CheckOut(new CheckOut(volunteer, domain.Clock.GetUtcNow(), Seed.AtHome, ["elderly-visit"], "聊天"));
        await DomainCluster.SettledAsync(Grains);
        var done = Assert.Single(await district.GetDueToday(), d => d.PairingId == pairing);

        Assert.True(checkedIn.Succeeded, checkedIn.Failure?.Title);
        Assert.True(checkedOut.Succeeded, checkedOut.Failure?.Title);
        Assert.Equal(DueVisitState.Started, started.State);
        Assert.Equal(visitId, started.VisitId);
        Assert.Equal(DueVisitState.Started, afterLateTime.State);
        Assert.Equal(DueVisitState.Done, done.State);
        Assert.NotNull(done.CheckedOutAt);
        Assert.DoesNotContain(events.All().OfType<VisitLateEvent>(), e => e.HouseholdId == household);
    }

    [Fact]
    public async Task A_pairing_without_a_slot_or_planned_for_another_day_is_not_due_today()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains, "banfu");
        var otherNeed = await Seed.NeedAsync(Grains, household);
        var tomorrow = TimeZones.LocalDate(domain.Clock.GetUtcNow(), Zone).AddDays(1).DayOfWeek;
        var other = await Grains.GetGrain<IHouseholdGrain>(household)
            .CreatePairing(volunteer, otherNeed, "test", new WeeklySlot(tomorrow, new(9, 0), new(10, 0)));

        var due = await Grains.GetGrain<IDistrictGrain>("banfu").GetDueToday();

        Assert.True(other.Succeeded, other.Failure?.Title);
        Assert.Equal(tomorrow, other.Value!.Slot!.Day);
        Assert.DoesNotContain(due, d => d.NeedId == need || d.NeedId == otherNeed);
    }

    /// <summary>A fresh volunteer paired with a fresh household's need, the visit planned a few minutes from now (local time).</summary>
    private async Task<(string Pairing, string Household, string Volunteer)> PlannedSoonAsync(string districtId)
    {
        var local = TimeZoneInfo.ConvertTime(domain.Clock.GetUtcNow(), Zone);
        if (local.TimeOfDay > TimeSpan.FromHours(20))
        {
            // Keep the slot and its grace inside one local day.
            domain.Clock.Advance(TimeSpan.FromDays(1) - local.TimeOfDay + TimeSpan.FromHours(8));
            local = TimeZoneInfo.ConvertTime(domain.Clock.GetUtcNow(), Zone);
        }

        var start = TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(Math.Ceiling(local.TimeOfDay.TotalMinutes)) + Lead);
        var slot = new WeeklySlot(local.DayOfWeek, start, start.AddHours(1));
        var volunteer = await Seed.VolunteerAsync(Grains, districtId);
        var household = await Seed.HouseholdAsync(Grains, districtId);
        var need = await Seed.NeedAsync(Grains, household);
        var pairing = await Grains.GetGrain<IHouseholdGrain>(household).CreatePairing(volunteer, need, "test", slot);
        Assert.True(pairing.Succeeded, pairing.Failure?.Title);
        Assert.Equal(slot, pairing.Value!.Slot);
        return (pairing.Value.PairingId, household, volunteer);
    }

    /// <summary>Listens to the cluster's live events as a dashboard host does.</summary>
    private async Task<LiveEventCollector> ListenAsync()
    {
        // An object reference holds its observer weakly: kept here for the test's life, or a GC drops the events.
        var listener = new LiveEventCollector();
        _listeners.Add(listener);
        var reference = Grains.CreateObjectReference<IDashboardHostObserver>(listener);
        await Grains.GetGrain<IDashboardHostRegistryGrain>(0).Register(reference);
        return listener;
    }
}
