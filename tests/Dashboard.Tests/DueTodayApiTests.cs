using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Boai.Orleans.Rules;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>The due-today route: a pairing planned for today's weekday is listed with masked names; other districts are refused.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DueTodayApiTests(DashboardFixture fixture)
{
    private const string District = "dachong";

    [Fact]
    public async Task A_pairing_planned_for_today_is_due_today_and_a_coordinator_of_another_district_gets_403()
    {
        var zone = TimeZones.Find(new ServiceRulesOptions().TimeZone);
        var today = TimeZones.LocalDate(DateTimeOffset.UtcNow, zone).DayOfWeek.ToString().ToLowerInvariant();
        var volunteer = await fixture.Records.VolunteerAsync(District);
        var household = await fixture.Records.HouseholdAsync(District);
        var need = await fixture.Records.NeedAsync(household);
        var coordinator = fixture.Dashboard.Coordinator(District);

        var pairing = await Expect(
            coordinator.PostAsJsonAsync("/api/v1/pairings", new { volunteerId = volunteer, householdId = household, needId = need, slot = new { day = today, start = "00:00", end = "23:00" } }),
            HttpStatusCode.Created);
        var pairingId = pairing["pairingId"]!.GetValue<string>();
        var due = (JsonArray)await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/due-today"), HttpStatusCode.OK);
        var summary = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}"), HttpStatusCode.OK);
        var otherDistrict = await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/{District}/due-today"), HttpStatusCode.Forbidden);

        Assert.Equal(today, pairing["slot"]!["day"]!.GetValue<string>());
        var visit = Assert.Single(due, d => d!["pairingId"]!.GetValue<string>() == pairingId)!;
        Assert.Equal(need, visit["needId"]!.GetValue<string>());
        Assert.Equal(household, visit["householdId"]!.GetValue<string>());
        Assert.Equal(volunteer, visit["volunteerId"]!.GetValue<string>());
        Assert.Equal("陈**", visit["volunteerName"]!.GetValue<string>());
        Assert.Contains(visit["state"]!.GetValue<string>(), new[] { "due", "late" });
        Assert.True(summary["dueToday"]!.GetValue<int>() >= 1);
        Assert.True(summary.AsObject().ContainsKey("lateToday"));
        Assert.Equal(403, otherDistrict["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_bad_slot_is_refused_naming_each_field_and_pairs_nobody()
    {
        var volunteer = await fixture.Records.VolunteerAsync(District);
        var household = await fixture.Records.HouseholdAsync(District);
        var need = await fixture.Records.NeedAsync(household);
        var coordinator = fixture.Dashboard.Coordinator(District);

        var problem = await Expect(
            coordinator.PostAsJsonAsync("/api/v1/pairings", new { volunteerId = volunteer, householdId = household, needId = need, slot = new { day = "someday", start = "25:00", end = "08:00" } }),
            HttpStatusCode.BadRequest);
        var file = await Expect(coordinator.GetAsync($"/api/v1/households/{household}"), HttpStatusCode.OK);

        var errors = problem["errors"]!.AsObject();
        Assert.True(errors.ContainsKey("slot.day"), problem.ToJsonString());
        Assert.True(errors.ContainsKey("slot.start"), problem.ToJsonString());
        Assert.Empty(file["pairings"]!.AsArray());
    }
}
