using Boai.Orleans.Districts;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// Back-fills (补录) decided by the visit grain whoever calls it (issue 15, findings 1–3): districts, the volunteer
/// serving the household, bounded times, the catalogue, the second person for over-limit ones, and visit ids per volunteer.
/// </summary>
[Collection(DomainClusterCollection.Name)]
public sealed class BackfillTests(DomainCluster domain)
{
    private IClusterClient Grains => domain.Client;

    private DateTimeOffset Now => domain.Clock.GetUtcNow();

    private Backfill Backfill(string volunteer, string household, string? need, DateTimeOffset checkedIn, TimeSpan length, Actor by, params string[] services) =>
        new(volunteer, household, need, checkedIn, checkedIn + length, services, null, "纸质记录补录", by);

    [Fact]
    public async Task A_coordinator_cannot_backfill_into_another_district_and_an_operator_may_anywhere()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains, "shiqi");
        var at = Now.AddDays(-3);

        var elsewhere = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(Backfill(volunteer, household, need, at, TimeSpan.FromHours(1), Actor.Coordinator("c-dongqu", "dongqu")));
        var own = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(Backfill(volunteer, household, need, at, TimeSpan.FromHours(1), Actor.Coordinator("c-shiqi", "shiqi")));
        var byOperator = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(Backfill(volunteer, household, need, at, TimeSpan.FromHours(1), Actor.Operator("op")));

        Assert.Equal(FailureKind.Forbidden, elsewhere.Failure?.Kind);
        Assert.True(own.Created);
        Assert.True(byOperator.Created);
    }

    [Fact]
    public async Task The_volunteer_must_be_of_the_callers_districts_and_serve_the_household_or_belong_to_its_district()
    {
        var household = await Seed.HouseholdAsync(Grains, "shiqi");
        var neighbour = await Seed.VolunteerAsync(Grains, "shiqi");
        var stranger = await Seed.VolunteerAsync(Grains, "dongqu");
        var at = Now.AddDays(-2);
        var both = Actor.Coordinator("c-both", "shiqi", "dongqu");

        // Of the household's district, not paired: a community event.
        var unpaired = await Grains.Visit(neighbour, Seed.Unique("bf")).Backfill(Backfill(neighbour, household, null, at, TimeSpan.FromHours(2), both));
        // Of another district and not serving this household: refused even for a coordinator of both districts.
        var unrelated = await Grains.Visit(stranger, Seed.Unique("bf")).Backfill(Backfill(stranger, household, null, at, TimeSpan.FromHours(2), both));
        // A volunteer of a district the caller does not cover.
        var notMine = await Grains.Visit(stranger, Seed.Unique("bf")).Backfill(Backfill(stranger, household, null, at, TimeSpan.FromHours(2), Actor.Coordinator("c", "shiqi")));
        var unknown = await Grains.Visit("nobody-here", Seed.Unique("bf")).Backfill(Backfill("nobody-here", household, null, at, TimeSpan.FromHours(2), both));

        Assert.True(unpaired.Created);
        Assert.Equal(FailureKind.Forbidden, unrelated.Failure?.Kind);
        Assert.Equal(FailureKind.Forbidden, notMine.Failure?.Kind);
        Assert.Equal(["volunteerId"], unknown.Failure?.Errors?.Keys);
    }

    [Theory]
    [InlineData(-2.0, 0.0, "checkedOutAt")] // no length
    [InlineData(-2.0, -0.5, "checkedOutAt")] // check-out before check-in
    [InlineData(-1.0, 1.5, "checkedOutAt")] // check-out in the future
    [InlineData(-3.0, 1.25, "checkedOutAt")] // 30 h: over Rules:MaxBackfillDuration
    [InlineData(1.0, 0.1, "checkedInAt")] // check-in in the future
    public async Task Backfill_times_are_in_order_not_in_the_future_and_bounded(double inDays, double lengthDays, string field)
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);

        var outcome = await Grains.Visit(volunteer, Seed.Unique("bf"))
            .Backfill(Backfill(volunteer, household, need, Now.AddDays(inDays), TimeSpan.FromDays(lengthDays), Actor.Operator("op")));

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        Assert.Equal([field], outcome.Failure!.Errors!.Keys);
        Assert.Equal(0, (await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours())!.Visits);
    }

    [Fact]
    public async Task A_backfill_from_2020_to_2099_mints_no_hours()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var from = new DateTimeOffset(2020, 1, 1, 8, 0, 0, TimeSpan.FromHours(8));

        var outcome = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(new Backfill(
            volunteer, household, need, from, new DateTimeOffset(2099, 12, 31, 8, 0, 0, TimeSpan.FromHours(8)), [], null, "补录", Actor.Operator("op")));

        Assert.Equal(FailureKind.Invalid, outcome.Failure?.Kind);
        var hours = (await Grains.GetGrain<IVolunteerGrain>(volunteer).GetHours())!;
        Assert.Equal(0, hours.CertifiedHours + hours.PendingHours);
    }

    [Fact]
    public async Task Services_must_be_catalogue_items_and_the_need_the_households()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var other = await Seed.NeedAsync(Grains, await Seed.HouseholdAsync(Grains));
        var at = Now.AddDays(-1);

        var unknownItem = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(Backfill(volunteer, household, need, at, TimeSpan.FromHours(1), Actor.Operator("op"), "elderly-visit", "no-such-item"));
        var otherNeed = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(Backfill(volunteer, household, other, at, TimeSpan.FromHours(1), Actor.Operator("op")));

        Assert.Equal(["services[1]"], unknownItem.Failure?.Errors?.Keys);
        Assert.Equal(["needId"], otherNeed.Failure?.Errors?.Keys);
    }

    [Theory]
    [InlineData(-3.0, 10.0, HoursRules.OverCap)] // longer than Rules:MaxVisitDuration (8 h)
    [InlineData(-40.0, 2.0, HoursRules.Late)] // older than Rules:BackfillCertifyWithin (31 days)
    public async Task An_over_limit_backfill_waits_for_a_second_person_and_its_recorder_cannot_certify_it(double inDays, double hours, string flag)
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);
        var visit = Grains.Visit(volunteer, Seed.Unique("bf"));

        var recorded = await visit.Backfill(Backfill(volunteer, household, need, Now.AddDays(inDays), TimeSpan.FromHours(hours), Actor.Coordinator("c-first", "shiqi")));
        var byRecorder = await visit.Certify("c-first");
        var bySecond = await visit.Certify("c-second");

        Assert.Equal(VisitStatus.CheckedOut, recorded.Value!.Status);
        Assert.Equal([flag], recorded.Value.Flags);
        Assert.Equal("c-first", recorded.Value.BackfilledBy);
        Assert.Equal(FailureKind.Conflict, byRecorder.Failure?.Kind);
        Assert.Equal(VisitRules.SecondPersonRequired, byRecorder.Failure?.Code);
        Assert.Equal(VisitStatus.Certified, bySecond.Value!.Status);
        Assert.Equal("c-second", bySecond.Value.DecidedBy);
    }

    [Fact]
    public async Task A_backfill_within_the_limits_is_certified_by_its_recorder()
    {
        var (volunteer, household, need) = await Seed.PairedAsync(Grains);

        var recorded = await Grains.Visit(volunteer, Seed.Unique("bf")).Backfill(Backfill(volunteer, household, need, Now.AddDays(-5), TimeSpan.FromHours(2), Actor.Coordinator("c-first", "shiqi")));

        Assert.Equal(VisitStatus.Certified, recorded.Value!.Status);
        Assert.Empty(recorded.Value.Flags);
        Assert.Equal("c-first", recorded.Value.DecidedBy);
    }

    [Fact]
    public async Task Two_volunteers_choosing_one_visit_id_each_get_their_own_visit()
    {
        var (first, household, need) = await Seed.PairedAsync(Grains);
        var second = await Seed.VolunteerAsync(Grains);
        await Seed.PairAsync(Grains, second, household, need);
        var visitId = Seed.Unique("same");
        var at = Now.AddMinutes(-40);

        var a = await Grains.Visit(first, visitId).CheckIn(new CheckIn(first, household, need, at, Seed.AtHome));
        var b = await Grains.Visit(second, visitId).CheckIn(new CheckIn(second, household, need, at.AddMinutes(1), Seed.AtHome));
        await DomainCluster.SettledAsync(Grains);
        // The district counts both: its lists know a visit by volunteer and id too.
        var active = await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits();
        Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), active.Where(v => v.VisitId == visitId).Select(v => v.VolunteerId).Order(StringComparer.Ordinal).ToArray());
        var outA = await Grains.Visit(first, visitId).CheckOut(new CheckOut(first, Now, Seed.AtHome, [], null));
        var outB = await Grains.Visit(second, visitId).CheckOut(new CheckOut(second, Now, Seed.AtHome, [], null));
        // A check-in naming another volunteer than the visit's own is refused by the visit itself.
        var squat = await Grains.Visit(first, visitId).CheckIn(new CheckIn(second, household, need, at, Seed.AtHome));

        Assert.True(a.Created && b.Created);
        Assert.Equal((first, visitId), (outA.Value!.VolunteerId, outA.Value.VisitId));
        Assert.Equal((second, visitId), (outB.Value!.VolunteerId, outB.Value.VisitId));
        Assert.Equal(FailureKind.Forbidden, squat.Failure?.Kind);
        await DomainCluster.SettledAsync(Grains);
        Assert.Equal(1, (await Grains.GetGrain<IVolunteerGrain>(first).GetHours())!.Visits);
        Assert.Equal(1, (await Grains.GetGrain<IVolunteerGrain>(second).GetHours())!.Visits);
        Assert.DoesNotContain(await Grains.GetGrain<IDistrictGrain>("shiqi").GetActiveVisits(), v => v.VisitId == visitId);
    }
}
