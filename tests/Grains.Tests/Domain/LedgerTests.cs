using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Testing;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// The ledger is the truth: a step is acknowledged only once appended, a failed append changes nothing, a retry is
/// answered from storage, and every projection follows from the committed events exactly once.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class LedgerTests(DomainCluster domain) : IDisposable
{
    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    private FaultInjectingVisitLog Log => domain.Ledger;

    public void Dispose() => domain.Ledger.Heal();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_check_in_storage_failed_is_answered_only_once_stored_and_exists_once_after_restart(bool landed)
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        var request = new CheckIn(volunteer, household, need, Now.AddMinutes(-30), Seed.AtHome);

        domain.Ledger.FailNextAppends(landed: landed);
        await Assert.ThrowsAnyAsync<Exception>(() => visit.CheckIn(request));

        // Nothing in memory ran ahead: the visit is what storage holds, and nothing else.
        var afterFailure = await visit.Get();
        Assert.Equal(landed, afterFailure is not null);
        Assert.Equal(landed, (await Log.ReadVisitAsync(visitId)).Count == 1);

        var retry = await visit.CheckIn(request);
        Assert.True(retry.Succeeded, retry.Failure?.Title);
        Assert.Equal(!landed, retry.Created);
        Assert.Equal(VisitStatus.CheckedIn, retry.Value!.Status);

        await RestartAsync();
        var stored = Assert.Single(await Log.ReadVisitAsync(visitId));
        Assert.Equal(VisitStep.CheckedIn, stored.Step);
        Assert.Equal(VisitStatus.CheckedIn, (await Grains.Visit(volunteer, visitId).Get())!.Status);
        Assert.Equal(visitId, (await Grains.GetGrain<IVolunteerGrain>(volunteer).Get())!.VisitInProgress);
        Assert.Single(await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits(), a => a.VisitId == visitId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_check_out_storage_failed_is_answered_only_once_stored_and_counts_once_after_restart(bool landed)
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        Assert.True((await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddMinutes(-60), Seed.AtHome))).Succeeded);
        var request = new CheckOut(volunteer, Now.AddMinutes(-5), Seed.AtHome, ["elderly-visit"], null);

        domain.Ledger.FailNextAppends(landed: landed);
        await Assert.ThrowsAnyAsync<Exception>(() => visit.CheckOut(request));

        var afterFailure = await visit.Get();
        Assert.Equal(landed ? VisitStatus.CheckedOut : VisitStatus.CheckedIn, afterFailure!.Status);
        await DomainCluster.SettledAsync(Grains);
        Assert.Equal(landed ? 1 : 0, (await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours())!.Visits);

        var retry = await visit.CheckOut(request);
        Assert.True(retry.Succeeded, retry.Failure?.Title);
        Assert.Equal(VisitStatus.CheckedOut, retry.Value!.Status);
        Assert.Equal(1.0, retry.Value.Hours);

        await RestartAsync();
        Assert.Equal([VisitStep.CheckedIn, VisitStep.CheckedOut], (await Log.ReadVisitAsync(visitId)).Select(e => e.Step));
        var hours = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();
        Assert.Equal(1, hours!.Visits);
        Assert.Equal(1.0, hours.PendingHours);
        Assert.Null((await Grains.GetGrain<IVolunteerGrain>(volunteer).Get())!.VisitInProgress);
        Assert.DoesNotContain(await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits(), a => a.VisitId == visitId);
        Assert.Contains((await Grains.GetGrain<IHouseholdGrain>(household).Get())!.RecentVisits, v => v.VisitId == visitId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_certification_storage_failed_is_answered_only_once_stored_and_counts_once_after_restart(bool landed)
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddMinutes(-60), Seed.AtHome));
        await visit.CheckOut(new CheckOut(volunteer, Now.AddMinutes(-5), Seed.AtHome, ["elderly-visit"], null));

        domain.Ledger.FailNextAppends(landed: landed);
        await Assert.ThrowsAnyAsync<Exception>(() => visit.Certify("coordinator-1"));
        Assert.Equal(landed ? VisitStatus.Certified : VisitStatus.CheckedOut, (await visit.Get())!.Status);

        var retry = await visit.Certify("coordinator-1");
        Assert.True(retry.Succeeded, retry.Failure?.Title);
        Assert.Equal(VisitStatus.Certified, retry.Value!.Status);

        await RestartAsync();
        Assert.Single(await Log.ReadVisitAsync(visitId), e => e.Step == VisitStep.Decided);
        var hours = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();
        Assert.Equal(1.0, hours!.CertifiedHours);
        Assert.Equal(0, hours.PendingHours);
    }

    [Fact]
    public async Task A_check_out_replayed_after_2000_later_visits_counts_nothing()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var first = Grains.Visit(volunteer, Seed.Unique("visit"));
        await first.CheckIn(new CheckIn(volunteer, household, need, Now.AddHours(-2), Seed.AtHome));
        var checkOut = new CheckOut(volunteer, Now.AddHours(-1), Seed.AtHome, ["elderly-visit"], null);
        var answered = await first.CheckOut(checkOut);

        for (var chunk = 0; chunk < 20; chunk++)
        {
            var later = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            {
                var at = Now.AddDays(-2).AddMinutes((chunk * 100) + i);
                return Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(
                    new Backfill(volunteer, household, need, at, at.AddMinutes(30), [], null, "纸质记录补录", Actor.Operator("coordinator-1")));
            }));
            Assert.All(later, o => Assert.True(o.Created, o.Failure?.Title));
        }

        await DomainCluster.SettledAsync(Grains);
        var before = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();

        // The phone's retry, the visit reactivated from the ledger, and the ledger's own event delivered again.
        var replay = await first.CheckOut(checkOut);
        await RestartAsync();
        var replayAfterRestart = await first.CheckOut(checkOut);
        var firstEvent = (await Log.ReadVisitAsync(VisitKey.Parse(first.GetPrimaryKeyString()).VisitId)).Single(e => e.Step == VisitStep.CheckedOut);
        await Grains.GetGrain<IVolunteerGrain>(volunteer).Apply([firstEvent]);
        await Grains.GetGrain<IHouseholdGrain>(household).Project([firstEvent], after: 0);
        await Grains.GetGrain<IDistrictGrain>("shiqi").Project([firstEvent], after: 0);
        await DomainCluster.SettledAsync(Grains);
        var after = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();

        Assert.Equivalent(answered.Value, replay.Value, strict: true);
        Assert.Equivalent(answered.Value, replayAfterRestart.Value, strict: true);
        Assert.Equal(2001, before!.Visits);
        Assert.Equal(1.0, before.PendingHours);
        Assert.Equal(1000.0, before.CertifiedHours);
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task After_1000_random_operations_projections_rebuilt_from_the_ledger_alone_equal_the_live_ones()
    {
        var random = new Random(20261130);
        var volunteers = new List<(string Volunteer, string Household, string Need)>();
        for (var i = 0; i < 8; i++)
        {
            volunteers.Add(await Seed.PairedAsync(Grains, i % 2 == 0 ? "shiqi" : "dongqu"));
        }

        var visits = new List<(string VisitId, int Volunteer, CheckIn CheckIn, CheckOut? CheckOut)>();
        var open = new Dictionary<int, int>();
        for (var op = 0; op < 1000; op++)
        {
            var who = random.Next(volunteers.Count);
            var (volunteer, household, need) = volunteers[who];
            var kind = random.Next(10);
            if (kind < 3)
            {
                // Check in (or, with a visit open, a second phone trying to: refused).
                var at = Now.AddDays(-1).AddMinutes(op);
                var request = new CheckIn(volunteer, household, need, at, Seed.AtHome);
                var visitId = Seed.Unique("visit");
                var outcome = await Grains.Visit(volunteer, visitId).CheckIn(request);
                Assert.Equal(!open.ContainsKey(who), outcome.Succeeded);
                if (outcome.Succeeded)
                {
                    open[who] = visits.Count;
                    visits.Add((visitId, who, request, null));
                }
            }
            else if (kind < 6 && open.Remove(who, out var index))
            {
                var v = visits[index];
                var request = new CheckOut(volunteer, v.CheckIn.At.AddMinutes(15 + random.Next(200)), Seed.AtHome, ["elderly-visit"], null);
                var outcome = await Grains.Visit(volunteer, v.VisitId).CheckOut(request);
                Assert.True(outcome.Succeeded, $"check-out {op}: {outcome.Failure?.Title}");
                visits[index] = v with { CheckOut = request };
            }
            else if (kind < 8 && visits.Count > 0)
            {
                // A coordinator decides a random visit (a conflict if it is open or decided: that changes nothing).
                var v = visits[random.Next(visits.Count)];
                var grain = Grains.Visit(volunteers[v.Volunteer].Volunteer, v.VisitId);
                _ = random.Next(2) == 0 ? await grain.Certify("coordinator-1") : await grain.Reject("coordinator-1", "重复");
            }
            else if (kind < 9 && visits.Count > 0)
            {
                // A phone retries an earlier request.
                var v = visits[random.Next(visits.Count)];
                var grain = Grains.Visit(volunteers[v.Volunteer].Volunteer, v.VisitId);
                var checkIn = await grain.CheckIn(v.CheckIn);
                Assert.True(checkIn.Succeeded, $"check-in retry {op}: {checkIn.Failure?.Title}");
                if (v.CheckOut is { } again)
                {
                    var checkOut = await grain.CheckOut(again);
                    Assert.True(checkOut.Succeeded, $"check-out retry {op}: {checkOut.Failure?.Title}");
                }
            }
            else
            {
                var at = Now.AddDays(-3).AddMinutes(op);
                var backfill = new Backfill(volunteer, household, need, at, at.AddMinutes(45), [], null, "补录", Actor.Operator("coordinator-1"));
                var outcome = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(backfill);
                Assert.True(outcome.Created, $"back-fill {op}: {outcome.Failure?.Title}");
            }

            if (op == 500)
            {
                // Half way, every activation goes: projections continue from what they stored.
                await RestartAsync();
            }
        }

        await DomainCluster.SettledAsync(Grains);
        var ids = volunteers.Select(v => v.Volunteer).ToHashSet(StringComparer.Ordinal);
        var events = new List<LedgerEvent>();
        await foreach (var e in Log.ReadAllAsync())
        {
            if (ids.Contains(e.Visit.VolunteerId))
            {
                events.Add(e);
            }
        }

        var active = (await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits())
            .Concat(await Grains.GetGrain<IDistrictGrain>("dongqu").GetActiveVisits())
            .Where(a => ids.Contains(a.VolunteerId)).Select(a => a.VisitId).Order(StringComparer.Ordinal).ToList();
        var latest = events.GroupBy(e => e.Visit.VisitId).Select(g => g.MaxBy(e => e.Seq)!.Visit).ToList();
        Assert.Equal(latest.Where(v => v.Status == VisitStatus.CheckedIn).Select(v => v.VisitId).Order(StringComparer.Ordinal), active);

        foreach (var (volunteer, household, _) in volunteers)
        {
            var rebuilt = new VolunteerState();
            foreach (var e in events.Where(e => e.Visit.VolunteerId == volunteer).OrderBy(e => e.Partition).ThenBy(e => e.Seq))
            {
                VolunteerProjection.Apply(rebuilt, e);
            }

            var live = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();
            Assert.Equal(rebuilt.CertifiedHours, live!.CertifiedHours);
            Assert.Equal(Math.Round(rebuilt.PendingVisits.Values.Sum(), 2), live.PendingHours);
            Assert.Equal(rebuilt.VisitCount, live.Visits);
            Assert.Equal(rebuilt.VisitInProgress?.VisitId, (await Grains.GetGrain<IVolunteerGrain>(volunteer).Get())!.VisitInProgress);

            var lastVisit = latest.Where(v => v.HouseholdId == household && v.Finished).Max(v => (DateTimeOffset?)v.CheckedInAt);
            Assert.Equal(lastVisit, (await Grains.GetGrain<IHouseholdGrain>(household).Get())!.LastVisitAt);
        }

        Assert.True(events.Count > 500, $"only {events.Count} events");
    }

    [Fact]
    public async Task A_silo_dying_between_the_append_and_the_projections_loses_nothing()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains, "dongqu");
        var visitId = Seed.Unique("visit");
        var visit = Grains.Visit(volunteer, visitId);
        await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddMinutes(-50), Seed.AtHome));
        await DomainCluster.SettledAsync(Grains);

        // The check-out lands in the ledger; the process that appended it never hears so and never delivers it.
        domain.Ledger.FailNextAppends(landed: true);
        await Assert.ThrowsAnyAsync<Exception>(() => visit.CheckOut(new CheckOut(volunteer, Now.AddMinutes(-5), Seed.AtHome, [], null)));
        await RestartAsync(settleFirst: false);

        // Nobody retries: the partitions, woken as a starting silo wakes them, deliver from their cursors.
        await LedgerStartup.WakeAllAsync(Grains, Log);
        await DomainCluster.SettledAsync(Grains);

        var hours = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();
        Assert.Equal(1, hours!.Visits);
        Assert.Equal(0.75, hours.PendingHours);
        Assert.DoesNotContain(await Grains.GetGrain<IDistrictGrain>("dongqu").GetActiveVisits(), a => a.VisitId == visitId);
        Assert.Contains((await Grains.GetGrain<IHouseholdGrain>(household).Get())!.RecentVisits, v => v.VisitId == visitId);
    }

    [Fact]
    public async Task A_tail_read_that_an_append_overtook_does_not_put_the_partition_s_older_version_back()
    {
        // A wake-up reads the tail, but its answer comes only after another visit of the partition appended.
        var (first, partitionNumber, held, wake) = await HoldAWakeUpsTailReadAfterALostAnswerAsync();
        var second = await Seed.PairedAsync(Grains, "dongqu");
        var secondVisit = Grains.Visit(second.Volunteer, VisitIdIn(partitionNumber));
        Assert.True((await secondVisit.CheckIn(new CheckIn(second.Volunteer, second.Household, second.Need, Now.AddMinutes(-30), Seed.AtHome))).Succeeded);
        held.Let();
        await wake;

        // The partition appends on from the version the last append answered, not the one the late read saw.
        await CheckInAnotherVisitAndSettleAsync(partitionNumber, first);
    }

    [Fact]
    public async Task A_tail_read_older_than_a_failed_append_does_not_mark_the_tail_known()
    {
        // A wake-up reads the tail; before its answer comes, another visit's append lands and its answer is lost too.
        var (first, partitionNumber, held, wake) = await HoldAWakeUpsTailReadAfterALostAnswerAsync();
        var second = await Seed.PairedAsync(Grains, "dongqu");
        var secondVisitId = VisitIdIn(partitionNumber);
        var secondVisit = Grains.Visit(second.Volunteer, secondVisitId);
        Log.FailNextAppends(landed: true);
        await Assert.ThrowsAnyAsync<Exception>(() => secondVisit.CheckIn(new CheckIn(second.Volunteer, second.Household, second.Need, Now.AddMinutes(-30), Seed.AtHome)));
        held.Let();
        await wake;

        // The late read is older than what storage holds: the partition reads the tail again instead of appending
        // against the read's version (which storage would refuse as another writer's).
        await CheckInAnotherVisitAndSettleAsync(partitionNumber, first);
        Assert.Single(await Log.ReadVisitAsync(secondVisitId));
    }

    [Fact]
    public async Task A_step_fenced_by_another_writer_of_its_partition_goes_once_more_and_is_stored_once()
    {
        var pair = await Seed.PairedAsync(Grains, "dongqu");
        var visitId = Seed.Unique("visit");
        var partitionNumber = Log.PartitionOf(visitId);
        await Grains.GetGrain<ILedgerPartitionGrain>(partitionNumber).Wake();
        await DomainCluster.SettledAsync(Grains);

        // Another writer of the partition (an activation Orleans ran twice for a moment) replaces its cursor row.
        var tail = await Log.ReadTailAsync(partitionNumber);
        await Log.AppendAsync(partitionNumber, [], tail.Cursor, tail.Version);

        // The partition's append is refused whole as that writer's; the visit sends its step once more.
        var visit = Grains.Visit(pair.Volunteer, visitId);
        Assert.True((await visit.CheckIn(new CheckIn(pair.Volunteer, pair.Household, pair.Need, Now.AddMinutes(-30), Seed.AtHome))).Succeeded);
        Assert.Single(await Log.ReadVisitAsync(visitId));
        await DomainCluster.SettledAsync(Grains);
        Assert.Null((await visit.Get())!.CheckedOutAt);
    }

    [Fact]
    public async Task Live_events_of_visits_leave_in_log_order_checked_in_before_checked_out()
    {
        var pairs = new List<(string Volunteer, string Household, string Need)>();
        for (var i = 0; i < 4; i++)
        {
            pairs.Add(await Seed.PairedAsync(Grains, "nanqu"));
        }

        await using var watch = await LiveWatch.StartAsync(Grains);
        var events = watch.Events;
        var visitIds = new List<string>();
        await Task.WhenAll(pairs.Select(async pair =>
        {
            for (var k = 0; k < 5; k++)
            {
                var visitId = Seed.Unique("visit");
                lock (visitIds)
                {
                    visitIds.Add(visitId);
                }

                var visit = Grains.Visit(pair.Volunteer, visitId);
                var at = Now.AddHours(-3).AddMinutes(k * 20);
                Assert.True((await visit.CheckIn(new CheckIn(pair.Volunteer, pair.Household, pair.Need, at, Seed.AtHome))).Succeeded);
                Assert.True((await visit.CheckOut(new CheckOut(pair.Volunteer, at.AddMinutes(10), Seed.AtHome, [], null))).Succeeded);
            }
        }));
        await DomainCluster.SettledAsync(Grains);
        var all = await DomainCluster.EventuallyAsync(
            () => Task.FromResult(events.Of("nanqu")),
            list => visitIds.All(id => list.OfType<VisitCheckedOutEvent>().Any(e => e.VisitId == id)));

        foreach (var visitId in visitIds)
        {
            var checkedIn = all.FindIndex(e => e is VisitCheckedInEvent i && i.VisitId == visitId);
            var checkedOut = all.FindIndex(e => e is VisitCheckedOutEvent o && o.VisitId == visitId);
            Assert.InRange(checkedIn, 0, checkedOut - 1);
            Assert.Single(all, e => e is VisitCheckedOutEvent o && o.VisitId == visitId);
        }
    }

    /// <summary>
    /// A paired visit of a partition checks in; its check-out lands but the answer is lost, so the partition no longer
    /// knows its tail; then a wake-up's tail read is made and held until the test lets it answer.
    /// </summary>
    private async Task<(string First, int Partition, FaultInjectingVisitLog.HeldRead Held, Task Wake)> HoldAWakeUpsTailReadAfterALostAnswerAsync()
    {
        var first = await Seed.PairedAsync(Grains, "dongqu");
        var visitId = Seed.Unique("visit");
        var partitionNumber = Log.PartitionOf(visitId);
        var visit = Grains.Visit(first.Volunteer, visitId);
        Assert.True((await visit.CheckIn(new CheckIn(first.Volunteer, first.Household, first.Need, Now.AddMinutes(-50), Seed.AtHome))).Succeeded);
        await DomainCluster.SettledAsync(Grains);

        Log.FailNextAppends(landed: true);
        await Assert.ThrowsAnyAsync<Exception>(() => visit.CheckOut(new CheckOut(first.Volunteer, Now.AddMinutes(-5), Seed.AtHome, [], null)));

        var held = Log.HoldNextTailRead(partitionNumber);
        var wake = Grains.GetGrain<ILedgerPartitionGrain>(partitionNumber).Wake();
        await held.HasRead;
        return (first.Volunteer, partitionNumber, held, wake);
    }

    /// <summary>Another visit of the partition checks in; once every projection settled, the first volunteer counts one visit (its landed check-out).</summary>
    private async Task CheckInAnotherVisitAndSettleAsync(int partitionNumber, string firstVolunteer)
    {
        var third = await Seed.PairedAsync(Grains, "dongqu");
        var thirdVisit = Grains.Visit(third.Volunteer, VisitIdIn(partitionNumber));
        Assert.True((await thirdVisit.CheckIn(new CheckIn(third.Volunteer, third.Household, third.Need, Now.AddMinutes(-20), Seed.AtHome))).Succeeded);
        await DomainCluster.SettledAsync(Grains);
        Assert.Equal(1, (await Grains.GetGrain<IVolunteerGrain>(firstVolunteer).GetHours())!.Visits);
    }

    /// <summary>A new visit id whose events go to the given ledger partition.</summary>
    private string VisitIdIn(int partition)
    {
        while (true)
        {
            var visitId = Seed.Unique("visit");
            if (Log.PartitionOf(visitId) == partition)
            {
                return visitId;
            }
        }
    }

    /// <summary>Every activation of the silo goes, as in a restart: the next call of each grain starts from storage.</summary>
    private async Task RestartAsync(bool settleFirst = true)
    {
        if (settleFirst)
        {
            await DomainCluster.SettledAsync(Grains);
        }

        await Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
    }
}
