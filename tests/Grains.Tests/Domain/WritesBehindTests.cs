using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Storage;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Core.Internal;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// Writes behind (volunteers', households' and districts' states behind the ledger) take their turn at the silo's gate,
/// a few at a time, and nothing a phone waits for waits for them: not at the gate, and not for a write held at storage.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class WritesBehindTests(DomainCluster domain)
{
    // Far less than Orleans' 30 s call timeout: a step held up by a write behind fails here, it does not just get slow.
    private static readonly TimeSpan StepBound = TimeSpan.FromSeconds(10);

    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    private IServiceProvider Silo => domain.Cluster.Silos[0].ServiceProvider;

    [Fact]
    public async Task A_household_write_behind_waits_for_a_slot_while_the_visit_is_answered_and_is_stored_once_one_frees()
    {
        var (volunteer, householdId, need) = await Seed.PairedAsync(Grains, "dachong");
        await DomainCluster.SettledAsync(Grains);
        var household = Grains.GetGrain<IHouseholdGrain>(householdId);
        var storage = domain.GrainStorage;
        var gate = Silo.GetRequiredService<WriteBehindGate>();
        var writesBefore = storage.StoredWrites(household.GetGrainId());
        var slots = new List<WriteBehindGate.Slot>();
        string visitId;
        try
        {
            // Every slot taken: no write behind of this silo can start.
            for (var i = 0; i < gate.InFlightLimit; i++)
            {
                slots.Add(await gate.EnterAsync());
            }

            // The phone's steps wait for their ledger appends only.
            (visitId, _) = await Seed.VisitAsync(Grains, Now, volunteer, householdId, need).WaitAsync(StepBound);

            // The household applies the visit and asks to write it behind: it waits at the gate, and nothing is written.
            var applied = await DomainCluster.EventuallyAsync(() => household.Get(), h => h!.RecentVisits.Any(v => v.VisitId == visitId));
            Assert.Contains(applied!.RecentVisits, v => v.VisitId == visitId);
            var waiting = await DomainCluster.EventuallyAsync(() => Task.FromResult(gate.Waiting), n => n > 0);
            Assert.True(waiting > 0, "a write behind waits for a slot");
            Assert.Equal(writesBefore, storage.StoredWrites(household.GetGrainId()));
        }
        finally
        {
            slots.ForEach(s => s.Dispose());
        }

        // A slot frees: the write goes, and the ledger's lanes let the visit go once it is stored.
        await DomainCluster.SettledAsync(Grains);
        Assert.True(storage.StoredWrites(household.GetGrainId()) > writesBefore);
        await household.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Single((await household.Get())!.RecentVisits, v => v.VisitId == visitId);
    }

    [Fact]
    public async Task A_volunteer_write_behind_held_at_storage_holds_up_none_of_the_volunteers_calls()
    {
        var options = Silo.GetRequiredService<IOptions<LedgerOptions>>().Value;
        var interval = options.VolunteerWriteBehind;
        var (volunteerId, householdId, need) = await Seed.PairedAsync(Grains, "wuguishan");
        await DomainCluster.SettledAsync(Grains);
        var volunteer = Grains.GetGrain<IVolunteerGrain>(volunteerId);
        var storage = domain.GrainStorage;
        var held = storage.HoldNextWrite(volunteer.GetGrainId());
        try
        {
            // The volunteer writes its visits behind within a fraction of a second (the service waits up to 30 s).
            options.VolunteerWriteBehind = TimeSpan.FromMilliseconds(200);
            await Seed.VisitAsync(Grains, Now, volunteerId, householdId, need, minutesAgo: 120);
            await held.Entered.WaitAsync(StepBound);

            // Its write is held at storage's door: the next visit's steps, which call the volunteer, are answered anyway,
            // and reads count both visits.
            await Seed.VisitAsync(Grains, Now, volunteerId, householdId, need).WaitAsync(StepBound);
            Assert.Equal(2, (await volunteer.GetHours().WaitAsync(StepBound))!.Visits);
        }
        finally
        {
            options.VolunteerWriteBehind = interval;
            held.Release();
        }

        // Released: both visits are stored (the second with the write that follows, or on deactivation).
        await DomainCluster.SettledAsync(Grains);
        await volunteer.AsReference<IGrainManagementExtension>().DeactivateOnIdle();
        Assert.Equal(2, (await volunteer.GetHours())!.Visits);
    }
}
