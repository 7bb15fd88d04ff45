using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Orleans.Core.Internal;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// A district sends its visits' live events as soon as the ledger delivers them, before its own write, in log order;
/// its rows are written behind, and the ledger keeps the events until they are: a district that dies before its
/// write ends with what a rebuild from the ledger gives.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class DistrictWriteBehindTests(DomainCluster domain)
{
    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    [Fact]
    public async Task Visit_events_leave_before_the_district_writes_them_and_in_log_order()
    {
        const string District = "xiqu";
        var pairs = new List<(string Volunteer, string Household, string Need)>();
        for (var i = 0; i < 3; i++)
        {
            pairs.Add(await Seed.PairedAsync(Grains, District));
        }

        await DomainCluster.SettledAsync(Grains);
        await using var watch = await LiveWatch.StartAsync(Grains);
        var events = watch.Events;
        var stores = domain.DistrictStores;
        stores.Hold(District);
        try
        {
            var written = stores.Written(District);
            var visitIds = await Task.WhenAll(pairs.Select(async pair =>
            {
                var visitId = Seed.Unique("visit");
                var visit = Grains.Visit(pair.Volunteer, visitId);
                var at = Now.AddMinutes(-40);
                Assert.True((await visit.CheckIn(new CheckIn(pair.Volunteer, pair.Household, pair.Need, at, Seed.AtHome))).Succeeded);
                Assert.True((await visit.CheckOut(new CheckOut(pair.Volunteer, at.AddMinutes(30), Seed.AtHome, [], null))).Succeeded);
                return visitId;
            }));

            // Every event reaches the watcher while the district's writes are held: none waited for them.
            var seen = await DomainCluster.EventuallyAsync(
                () => Task.FromResult(events.Of(District)),
                list => visitIds.All(id => list.OfType<VisitCheckedOutEvent>().Any(e => e.VisitId == id)));
            Assert.Equal(written, stores.Written(District));
            foreach (var visitId in visitIds)
            {
                var checkedIn = seen.FindIndex(e => e is VisitCheckedInEvent i && i.VisitId == visitId);
                var checkedOut = seen.FindIndex(e => e is VisitCheckedOutEvent o && o.VisitId == visitId);
                Assert.InRange(checkedIn, 0, checkedOut - 1);
            }

            // The ledger has not let them go: delivered, not yet stored by the district.
            stores.Release(District);
            await DomainCluster.SettledAsync(Grains);
            Assert.DoesNotContain(await Grains.GetGrain<IDistrictGrain>(District).GetActiveVisits(), a => visitIds.Contains(a.VisitId));
        }
        finally
        {
            stores.Release(District);
        }
    }

    [Fact]
    public async Task A_district_that_dies_after_sending_and_before_writing_ends_as_a_rebuild_from_the_ledger()
    {
        const string District = "nanlang";
        var pairs = new List<(string Volunteer, string Household, string Need)>();
        for (var i = 0; i < 4; i++)
        {
            pairs.Add(await Seed.PairedAsync(Grains, District));
        }

        await DomainCluster.SettledAsync(Grains);
        await using var watch = await LiveWatch.StartAsync(Grains);
        var events = watch.Events;
        var stores = domain.DistrictStores;
        var district = Grains.GetGrain<IDistrictGrain>(District);
        try
        {
            stores.Fail(District, on: true);

            // Two visits stay open, two are finished: all four check-ins and two check-outs reach the watcher.
            var visits = await Task.WhenAll(pairs.Select(async (pair, i) =>
            {
                var visitId = Seed.Unique("visit");
                var visit = Grains.Visit(pair.Volunteer, visitId);
                var at = Now.AddMinutes(-40);
                Assert.True((await visit.CheckIn(new CheckIn(pair.Volunteer, pair.Household, pair.Need, at, Seed.AtHome))).Succeeded);
                if (i % 2 == 0)
                {
                    Assert.True((await visit.CheckOut(new CheckOut(pair.Volunteer, at.AddMinutes(30), Seed.AtHome, [], null))).Succeeded);
                }

                return (VisitId: visitId, Open: i % 2 != 0);
            }));
            await DomainCluster.EventuallyAsync(
                () => Task.FromResult(events.Of(District)),
                list => visits.All(v => list.Any(e => e is VisitCheckedInEvent i && i.VisitId == v.VisitId))
                    && visits.Where(v => !v.Open).All(v => list.Any(e => e is VisitCheckedOutEvent o && o.VisitId == v.VisitId)));
            Assert.Equal(
                visits.Where(v => v.Open).Select(v => v.VisitId).Order(StringComparer.Ordinal),
                (await district.GetActiveVisits()).Select(a => a.VisitId).Where(id => visits.Any(v => v.VisitId == id)).Order(StringComparer.Ordinal));

            // The district goes with none of it written (its last write fails too), as if its silo died; the next call
            // meets a new activation, which reads what was stored.
            await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            var reread = (await district.GetActiveVisits()).Select(a => a.VisitId).ToList();
            Assert.DoesNotContain(reread, id => visits.Any(v => v.VisitId == id));
            stores.Fail(District, on: false);

            // The ledger gives the new activation what the old one had not stored.
            await DomainCluster.SettledAsync(Grains);
            var ledger = new List<LedgerEvent>();
            await foreach (var e in domain.Ledger.ReadAllAsync(District))
            {
                ledger.Add(e);
            }

            var rebuilt = ledger.GroupBy(e => e.Visit.Key).Select(g => g.MaxBy(e => e.Seq)!.Visit)
                .Where(v => v.Status == VisitStatus.CheckedIn).Select(v => v.VisitId).Order(StringComparer.Ordinal).ToList();
            var active = (await district.GetActiveVisits()).Select(a => a.VisitId).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(rebuilt, active);
            Assert.Equal(visits.Where(v => v.Open).Select(v => v.VisitId).Order(StringComparer.Ordinal), active.Where(id => visits.Any(v => v.VisitId == id)));

            // And from its own rows once more: what it holds is stored.
            await district.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
            Assert.Equal(active, (await district.GetActiveVisits()).Select(a => a.VisitId).Order(StringComparer.Ordinal));
        }
        finally
        {
            stores.Fail(District, on: false);
        }
    }
}
