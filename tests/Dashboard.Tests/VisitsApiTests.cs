using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class VisitsApiTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Check_in_creates_the_visit_and_a_replay_answers_the_same()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        var body = CheckIn(paired.HouseholdId, paired.NeedId);

        var first = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", body), HttpStatusCode.Created);
        var replay = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", body), HttpStatusCode.OK);

        Assert.Equal(visitId, first["visitId"]!.GetValue<string>());
        Assert.Equal(paired.VolunteerId, first["volunteerId"]!.GetValue<string>());
        Assert.Equal(paired.HouseholdId, first["householdId"]!.GetValue<string>());
        Assert.Equal("shiqi", first["districtId"]!.GetValue<string>());
        Assert.Equal("checkedIn", first["status"]!.GetValue<string>());
        Assert.NotNull(first["checkedInAt"]);
        Assert.NotNull(first["flags"]);
        Assert.Equal(first.ToJsonString(), replay.ToJsonString());
    }

    [Fact]
    public async Task Same_visit_id_with_a_different_body_is_a_conflict()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        var at = DateTimeOffset.UtcNow.AddMinutes(-1);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, at: at)), HttpStatusCode.Created);

        using var conflict = await phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, at: at.AddMinutes(-5)));

        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);
        Assert.Equal("application/problem+json", conflict.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Check_out_answers_hours_pending_and_is_idempotent()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        var start = DateTimeOffset.UtcNow.AddMinutes(-20);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, start)), HttpStatusCode.Created);
        var checkOut = CheckOut(DateTimeOffset.UtcNow);

        var done = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", checkOut), HttpStatusCode.OK);
        var replay = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", checkOut), HttpStatusCode.OK);

        Assert.Equal("checkedOut", done["status"]!.GetValue<string>());
        Assert.NotNull(done["checkedOutAt"]);
        Assert.True(done["durationMinutes"]!.GetValue<int>() >= 19);
        Assert.True(done["hours"]!.GetValue<double>() > 0);
        Assert.Equal(done.ToJsonString(), replay.ToJsonString());

        var hours = await Expect(phone.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(paired.VolunteerId, hours["volunteerId"]!.GetValue<string>());
        Assert.NotNull(hours["certifiedHours"]);
        Assert.NotNull(hours["pendingHours"]);
        Assert.NotNull(hours["starLevel"]);
        Assert.NotNull(hours["visits"]);
    }

    [Fact]
    public async Task Check_out_of_a_visit_never_checked_in_is_a_conflict()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);

        using var response = await phone.PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/check-out", CheckOut());

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
    }

    [Fact]
    public async Task A_volunteer_cannot_check_out_someone_elses_visit()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var visitId = NewId("visit");
        var owner = fixture.Dashboard.Volunteer(paired.VolunteerId);
        await Expect(owner.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId)), HttpStatusCode.Created);
        var other = await fixture.Records.VolunteerAsync("shiqi");

        // Visit ids are the volunteer's own: the other volunteer's visit with this id was never checked in.
        using var response = await fixture.Dashboard.Volunteer(other).PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut());
        using var read = await fixture.Dashboard.Volunteer(other).GetAsync($"/api/v1/visits/{visitId}");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        var visit = await Expect(owner.GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
        Assert.Equal("checkedIn", visit["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Check_in_at_a_household_outside_the_volunteers_pairings_is_forbidden()
    {
        var volunteer = await fixture.Records.VolunteerAsync("shiqi");
        var household = await fixture.Records.HouseholdAsync("shiqi");

        using var response = await fixture.Dashboard.Volunteer(volunteer).PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/check-in", CheckIn(household));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Check_in_at_an_unknown_household_is_not_found()
    {
        var volunteer = await fixture.Records.VolunteerAsync("shiqi");

        using var response = await fixture.Dashboard.Volunteer(volunteer).PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/check-in", CheckIn(NewId("nohouse")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Only_volunteers_check_in()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");

        using var response = await fixture.Dashboard.Coordinator("shiqi").PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/check-in", CheckIn(paired.HouseholdId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task A_coordinator_certifies_a_visit_of_their_district_and_the_hours_count()
    {
        var paired = await fixture.Records.PairedAsync("dongqu");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-25))), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        var coordinator = fixture.Dashboard.Coordinator("dongqu");

        var certified = await Expect(coordinator.PostAsync($"/api/v1/visits/{visitId}/certify", null), HttpStatusCode.OK);

        Assert.Equal("certified", certified["status"]!.GetValue<string>());
        var hours = await Expect(coordinator.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.True(hours["certifiedHours"]!.GetValue<double>() > 0);
        var visit = await Expect(phone.GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
        Assert.Equal("certified", visit["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_coordinator_backfills_a_visit_with_a_reason()
    {
        var paired = await fixture.Records.PairedAsync("dongqu");
        var coordinator = fixture.Dashboard.Coordinator("dongqu");
        var visitId = NewId("visit");
        var body = new
        {
            volunteerId = paired.VolunteerId,
            householdId = paired.HouseholdId,
            needId = paired.NeedId,
            checkedInAt = DateTimeOffset.UtcNow.AddDays(-5),
            checkedOutAt = DateTimeOffset.UtcNow.AddDays(-5).AddHours(1),
            services = new[] { "elderly-visit" },
            notes = "手机没电",
            reason = "义工手机没电，电话报备",
        };

        var created = await Expect(coordinator.PostAsJsonAsync($"/api/v1/visits/{visitId}/backfill", body), HttpStatusCode.Created);

        Assert.True(created["backfilled"]!.GetValue<bool>());
        await Expect(coordinator.PostAsJsonAsync($"/api/v1/visits/{visitId}/backfill", new { body.volunteerId }), HttpStatusCode.BadRequest);
    }
}
