using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Model;
using Boai.Orleans.Volunteers;
using Orleans.Core.Internal;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// A household applies its finished visits from the ledger in memory, sends its summary at once and writes its state
/// behind; the district stores the household's and the volunteer's summaries with its next write. The ledger keeps the
/// visits until both the household's state and the district's summary hold them: a household or district that loses
/// them (dies, or a write fails) gets them again, and each visit counts once.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class HouseholdWriteBehindTests(DomainCluster domain)
{
    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    [Fact]
    public async Task A_household_that_dies_before_writing_its_visit_gets_it_again_and_counts_it_once()
    {
        const string District = "fusha";
        var (volunteer, householdId, need) = await Seed.PairedAsync(Grains, District);
        await DomainCluster.SettledAsync(Grains);
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var storage = domain.GrainStorage;
        string visitId;
        try
        {
            // Nothing the household writes lands: it holds the visit in memory only, as a silo about to die would.
            storage.FailNextWrites(household.GetGrainId(), count: 1000);
            (visitId, var at) = await Seed.VisitAsync(Grains, Now, volunteer, householdId, need);

            // Applied and summarised at once, before any write of the household (which all fail).
            var district = Grains.GetGrain<IDistrictGrain>(District);
            Assert.Equal(at, (await DomainCluster.EventuallyAsync(() => SummaryOf(district, householdId), s => s?.LastVisitAt == at))?.LastVisitAt);

            // The activation goes without its write; the ledger has kept the visit and delivers it to the next one.
            await household.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            var left = await DomainCluster.EventuallyAsync(() => Task.FromResult(storage.Pending(household.GetGrainId())), n => n < 1000);
            Assert.True(left < 1000, "the household tried to write and failed");
        }
        finally
        {
            storage.Heal();
        }

        await DomainCluster.SettledAsync(Grains);
        await AssertVisitedOnceAsync(householdId, visitId, District);
    }

    [Fact]
    public async Task A_failed_household_write_behind_changes_nothing_stored_and_the_ledger_delivers_the_visit_again()
    {
        const string District = "banfu";
        var (volunteer, householdId, need) = await Seed.PairedAsync(Grains, District);
        await DomainCluster.SettledAsync(Grains);
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var storage = domain.GrainStorage;
        string visitId;
        try
        {
            // The first write behind fails having stored nothing; the household reads its state back (without the visit).
            storage.FailNextWrites(household.GetGrainId(), count: 1);
            (visitId, _) = await Seed.VisitAsync(Grains, Now, volunteer, householdId, need);
            await DomainCluster.SettledAsync(Grains);
            Assert.Equal(0, storage.Pending(household.GetGrainId()));
        }
        finally
        {
            storage.Heal();
        }

        await AssertVisitedOnceAsync(householdId, visitId, District);
    }

    [Fact]
    public async Task A_district_that_loses_the_household_and_volunteer_summaries_gets_them_again()
    {
        const string District = "minzhong";
        var (volunteer, householdId, need) = await Seed.PairedAsync(Grains, District);
        await DomainCluster.SettledAsync(Grains);
        var district = Grains.GetGrain<IDistrictGrain>(District);
        var stores = domain.DistrictStores;
        string visitId;
        try
        {
            // The district takes the summaries in memory (and sends them to dashboards) but none of its writes lands.
            stores.Fail(District, on: true);
            (visitId, var at) = await Seed.VisitAsync(Grains, Now, volunteer, householdId, need);
            Assert.Equal(at, (await DomainCluster.EventuallyAsync(() => SummaryOf(district, householdId), s => s?.LastVisitAt == at))?.LastVisitAt);
            Assert.True((await DomainCluster.EventuallyAsync(() => VolunteerOf(district, volunteer), v => v?.PendingHours > 0))?.PendingHours > 0);

            // It goes without writing them, as if its silo died: a new activation (still unable to write) reads its rows,
            // which lack them.
            await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            await district.GetSummary();
        }
        finally
        {
            stores.Fail(District, on: false);
        }

        // The household and the volunteer find out (a failed call, or a ticket the new activation never gave) and send again.
        await DomainCluster.SettledAsync(Grains);
        await AssertVisitedOnceAsync(householdId, visitId, District);
        var hours = (await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours())!;
        var summary = await DomainCluster.EventuallyAsync(() => VolunteerOf(district, volunteer), v => v?.PendingHours == hours.PendingHours);
        Assert.Equal(hours.PendingHours, summary!.PendingHours);
        await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(hours.PendingHours, (await VolunteerOf(district, volunteer))!.PendingHours);
    }

    [Fact]
    public async Task A_volunteer_that_goes_before_the_district_stored_its_summary_sends_it_again_when_it_comes_back()
    {
        const string District = "shaxi";
        var (volunteer, householdId, need) = await Seed.PairedAsync(Grains, District);
        await DomainCluster.SettledAsync(Grains);
        var district = Grains.GetGrain<IDistrictGrain>(District);
        var stores = domain.DistrictStores;
        try
        {
            // The district takes the volunteer's new hours in memory but cannot store them.
            stores.Fail(District, on: true);
            await Seed.VisitAsync(Grains, Now, volunteer, householdId, need);
            Assert.True((await DomainCluster.EventuallyAsync(() => VolunteerOf(district, volunteer), v => v?.PendingHours > 0))?.PendingHours > 0);

            // The volunteer goes while its summary is unconfirmed, and so does the district, whose rows lack it.
            await Grains.GetGrain<IVolunteerGrain>(volunteer).AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            Assert.Equal(0, (await VolunteerOf(district, volunteer))!.PendingHours);
        }
        finally
        {
            stores.Fail(District, on: false);
        }

        // The volunteer comes back (any call): its stored state says the summary was never confirmed, and it goes again.
        var hours = (await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours())!;
        Assert.True(hours.PendingHours > 0);
        var summary = await DomainCluster.EventuallyAsync(() => VolunteerOf(district, volunteer), v => v?.PendingHours == hours.PendingHours);
        Assert.Equal(hours.PendingHours, summary!.PendingHours);
        await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(hours.PendingHours, (await VolunteerOf(district, volunteer))!.PendingHours);
    }

    [Fact]
    public async Task A_summary_ticket_of_a_district_activation_that_died_before_writing_answers_false_and_a_written_one_true()
    {
        const string District = "nanqu";
        var district = Grains.GetGrain<IDistrictGrain>(District);
        var stores = domain.DistrictStores;
        var householdId = Seed.Unique("h-ticket");
        var summary = new HouseholdSummary(householdId, District, "悦来社区", "elderly", RiskLevel.General, 0, [], null, Now, null);
        await district.GetSummary();
        try
        {
            // Taken in memory (and answered at once), never written: the activation goes without it.
            stores.Fail(District, on: true);
            var lost = await district.UpsertHouseholdBehind(summary);
            Assert.Contains(await district.GetHouseholds(), h => h.HouseholdId == householdId);
            await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            Assert.DoesNotContain(await district.GetHouseholds(), h => h.HouseholdId == householdId);
            stores.Fail(District, on: false);

            // The new activation never had it: the sender is told so, and would send it again.
            Assert.False(await district.SummaryStored(lost));
            Assert.DoesNotContain(await district.GetHouseholds(), h => h.HouseholdId == householdId);
        }
        finally
        {
            stores.Fail(District, on: false);
        }

        var stored = await district.UpsertHouseholdBehind(summary);
        Assert.True(await district.SummaryStored(stored));
        await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Contains(await district.GetHouseholds(), h => h.HouseholdId == householdId);
    }

    /// <summary>The household (read back from storage) and its district's summary (also read back) hold the visit, once.</summary>
    private async Task AssertVisitedOnceAsync(string householdId, string visitId, string districtId)
    {
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var live = (await household.Get())!;
        var visit = Assert.Single(live.RecentVisits, v => v.VisitId == visitId);
        Assert.Single(live.RecentVisits);
        Assert.Equal(visit.CheckedInAt, live.LastVisitAt);
        Assert.Equal(visit.CheckedInAt, Assert.Single(live.Needs).LastVisitAt);
        Assert.True(Assert.Single(live.Needs).Coverage.Covered);

        await household.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        var stored = (await household.Get())!;
        Assert.Single(stored.RecentVisits, v => v.VisitId == visitId);
        Assert.Equal(visit.CheckedInAt, stored.LastVisitAt);

        var district = Grains.GetGrain<IDistrictGrain>(districtId);
        Assert.Equal(visit.CheckedInAt, (await SummaryOf(district, householdId))!.LastVisitAt);
        await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(visit.CheckedInAt, (await SummaryOf(district, householdId))!.LastVisitAt);
    }

    private static async Task<HouseholdSummary?> SummaryOf(IDistrictGrain district, string householdId) =>
        (await district.GetHouseholds()).SingleOrDefault(h => h.HouseholdId == householdId);

    private static async Task<VolunteerSummary?> VolunteerOf(IDistrictGrain district, string volunteerId) =>
        (await district.GetVolunteers()).SingleOrDefault(v => v.VolunteerId == volunteerId);
}
