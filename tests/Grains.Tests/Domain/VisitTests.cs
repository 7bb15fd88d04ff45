using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.DependencyInjection;

namespace Boai.Orleans.Grains.Tests.Domain;

[Collection(DomainClusterCollection.Name)]
public sealed class VisitTests(DomainCluster domain)
{
    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    [Fact]
    public async Task Retries_of_check_in_and_check_out_change_nothing()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
        var checkIn = new CheckIn(volunteer, household, need, Now.AddMinutes(-90), Seed.AtHome);
        var checkOut = new CheckOut(volunteer, Now.AddMinutes(-5), Seed.AtHome, ["elderly-visit"], "聊天");

        var first = await visit.CheckIn(checkIn);
        var again = await visit.CheckIn(checkIn);
        var outFirst = await visit.CheckOut(checkOut);
        var outAgain = await visit.CheckOut(checkOut);
        var inAfterOut = await visit.CheckIn(checkIn);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(first.Value!.CheckedInAt, again.Value!.CheckedInAt);
        Assert.Equivalent(outFirst.Value, outAgain.Value, strict: true);
        Assert.Equivalent(outFirst.Value, inAfterOut.Value, strict: true);
        Assert.Equal(1.5, outFirst.Value!.Hours);
        var hours = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();
        Assert.Equal(1, hours!.Visits);
        Assert.Equal(1.5, hours.PendingHours);
        await DomainCluster.SettledAsync(Grains);
        var summary = await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits();
        Assert.DoesNotContain(summary, a => a.VisitId == first.Value.VisitId);
    }

    [Fact]
    public async Task Same_visit_id_with_a_different_body_is_a_conflict()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
        await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddMinutes(-10), Seed.AtHome));

        var other = await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddMinutes(-9), Seed.AtHome));

        Assert.Equal(FailureKind.Conflict, other.Failure?.Kind);
    }

    [Fact]
    public async Task Check_out_of_a_visit_never_checked_in_is_a_conflict()
    {
        var volunteer = await Seed.VolunteerAsync(Grains);

        var outcome = await Grains.Visit(volunteer, Seed.Unique("visit")).CheckOut(new CheckOut(volunteer, Now, Seed.AtHome, [], null));

        Assert.Equal(FailureKind.Conflict, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task Check_out_never_precedes_its_check_in()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
        await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddMinutes(-10), Seed.AtHome));

        var outcome = await visit.CheckOut(new CheckOut(volunteer, Now.AddMinutes(-20), Seed.AtHome, [], null));

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Contains("at", outcome.Failure!.Errors!.Keys);
    }

    [Fact]
    public async Task A_late_upload_is_accepted_and_flagged()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
        var offlineSince = Now.AddHours(-50);

        var checkIn = await visit.CheckIn(new CheckIn(volunteer, household, need, offlineSince, Seed.AtHome));
        var checkOut = await visit.CheckOut(new CheckOut(volunteer, offlineSince.AddHours(1), Seed.AtHome, [], null));

        Assert.True(checkIn.Succeeded);
        Assert.Contains(HoursRules.Late, checkOut.Value!.Flags);
        Assert.Equal(VisitStatus.CheckedOut, checkOut.Value.Status);
        Assert.True(checkOut.Value.CheckOutReceivedAt > checkOut.Value.CheckedOutAt);
    }

    [Fact]
    public async Task An_upload_older_than_72_hours_is_refused_for_back_filling()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);

        var outcome = await Grains.Visit(volunteer, Seed.Unique("visit")).CheckIn(new CheckIn(volunteer, household, need, Now.AddHours(-73), Seed.AtHome));

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task Two_phones_of_one_volunteer_checking_in_at_once_start_one_visit()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var at = Now.AddMinutes(-1);
        var phoneA = Grains.Visit(volunteer, Seed.Unique("visit-a"));
        var phoneB = Grains.Visit(volunteer, Seed.Unique("visit-b"));

        var outcomes = await Task.WhenAll(
            phoneA.CheckIn(new CheckIn(volunteer, household, need, at, Seed.AtHome)),
            phoneB.CheckIn(new CheckIn(volunteer, household, need, at, Seed.AtHome)));

        Assert.Single(outcomes, o => o.Succeeded);
        Assert.Single(outcomes, o => o.Failure?.Kind == FailureKind.Conflict);
        await DomainCluster.SettledAsync(Grains);
        var active = await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits();
        Assert.Single(active, a => a.VolunteerId == volunteer);
    }

    [Fact]
    public async Task An_out_of_radius_visit_waits_for_certification()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
        var farAway = new ReportedLocation(22.60, 113.50, 10);

        await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddHours(-2), farAway));
        var checkedOut = await visit.CheckOut(new CheckOut(volunteer, Now.AddMinutes(-1), Seed.AtHome, [], null));
        var before = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();
        var certified = await visit.Certify("coordinator-1");
        var after = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();

        Assert.Contains(HoursRules.OutsideRadius, checkedOut.Value!.Flags);
        Assert.Equal(VisitStatus.CheckedOut, checkedOut.Value.Status);
        Assert.Equal(0, before!.CertifiedHours);
        Assert.Equal(checkedOut.Value.Hours, before.PendingHours);
        Assert.Equal(VisitStatus.Certified, certified.Value!.Status);
        Assert.Equal(checkedOut.Value.Hours, after!.CertifiedHours);
        Assert.Equal(0, after.PendingHours);
    }

    [Fact]
    public async Task A_visit_over_the_cap_is_flagged_not_silently_counted()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("visit"));

        await visit.CheckIn(new CheckIn(volunteer, household, need, Now.AddHours(-10), Seed.AtHome));
        var outcome = await visit.CheckOut(new CheckOut(volunteer, Now.AddMinutes(-1), Seed.AtHome, [], null));

        Assert.Contains(HoursRules.OverCap, outcome.Value!.Flags);
        Assert.Equal(VisitStatus.CheckedOut, outcome.Value.Status);
    }

    [Fact]
    public async Task A_volunteer_cannot_check_in_at_a_household_outside_their_pairings()
    {
        var volunteer = await Seed.VolunteerAsync(Grains);
        var household = await Seed.HouseholdAsync(Grains);

        var outcome = await Grains.Visit(volunteer, Seed.Unique("visit")).CheckIn(new CheckIn(volunteer, household, null, Now, Seed.AtHome));

        Assert.Equal(FailureKind.Forbidden, outcome.Failure?.Kind);
    }

    [Fact]
    public async Task Star_level_follows_certified_hours()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var backfills = Enumerable.Range(0, 14).Select(i => Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(new Backfill(
            volunteer, household, need, Now.AddDays(-30 + i), Now.AddDays(-30 + i).AddHours(7.5), [], null, "纸质记录补录", Actor.Operator("coordinator-1"))));
        var outcomes = await Task.WhenAll(backfills);
        var hours = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();

        Assert.All(outcomes, o => Assert.True(o.Succeeded, o.Failure?.Title));
        Assert.Equal(105, hours!.CertifiedHours);
        Assert.Equal(1, hours.StarLevel);
    }

    [Fact]
    public async Task Ledger_rebuild_equals_the_balance()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visits = new List<IVisitGrain>();
        for (var i = 0; i < 6; i++)
        {
            var visit = Grains.Visit(volunteer, Seed.Unique("visit"));
            var start = Now.AddHours(-60 + (i * 8));
            await visit.CheckIn(new CheckIn(volunteer, household, need, start, Seed.AtHome));
            await visit.CheckOut(new CheckOut(volunteer, start.AddMinutes(40 + (i * 17)), Seed.AtHome, ["elderly-visit"], null));
            visits.Add(visit);
        }

        await visits[0].Certify("coordinator-1");
        await visits[1].Certify("coordinator-1");
        await visits[2].Reject("coordinator-1", "重复记录");

        var ledger = domain.Cluster.Silos[0].ServiceProvider.GetRequiredService<IVisitLedger>();
        var rebuilt = LedgerBalance.From(await ledger.ReadVolunteerAsync(volunteer).ToListAsync());
        var balance = await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours();

        Assert.Equal(6, rebuilt.Visits);
        Assert.Equal(balance!.CertifiedHours, rebuilt.CertifiedHours);
        Assert.Equal(balance.PendingHours, rebuilt.PendingHours);
        Assert.True(rebuilt.CertifiedHours > 0);
        Assert.True(rebuilt.PendingHours > 0);
    }
}
