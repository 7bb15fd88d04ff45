using System.Net;
using System.Net.Http.Json;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class RecordsApiTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Put_creates_then_replaces_a_volunteer()
    {
        var coordinator = fixture.Dashboard.Coordinator("nanqu");
        var id = NewId("v");

        var created = await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{id}", VolunteerBody("nanqu", "李四")), HttpStatusCode.Created);
        var replaced = await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{id}", VolunteerBody("nanqu", "李四光")), HttpStatusCode.OK);

        Assert.Equal("active", created["status"]!.GetValue<string>());
        Assert.Equal("monday", created["availability"]![0]!["day"]!.GetValue<string>());
        Assert.Equal("09:00", created["availability"]![0]!["start"]!.GetValue<string>());
        Assert.Equal("李四光", replaced["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Put_creates_then_replaces_a_household()
    {
        var coordinator = fixture.Dashboard.Coordinator("nanqu");
        var id = NewId("h");

        await Expect(coordinator.PutAsJsonAsync($"/api/v1/households/{id}", HouseholdBody("nanqu", "城南社区")), HttpStatusCode.Created);
        var replaced = await Expect(coordinator.PutAsJsonAsync($"/api/v1/households/{id}", HouseholdBody("nanqu", "环城社区")), HttpStatusCode.OK);

        Assert.Equal("环城社区", replaced["community"]!.GetValue<string>());
        Assert.Equal("high", replaced["riskLevel"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_new_need_is_uncovered_until_paired_and_again_when_the_pairing_ends()
    {
        var coordinator = fixture.Dashboard.Coordinator("wuguishan");
        var volunteer = await fixture.Records.VolunteerAsync("wuguishan");
        var household = await fixture.Records.HouseholdAsync("wuguishan");

        var need = await Expect(coordinator.PostAsJsonAsync($"/api/v1/households/{household}/needs", new { itemId = "elderly-visit", frequency = "weekly", priority = 4 }), HttpStatusCode.Created);
        var needId = need["needId"]!.GetValue<string>();
        Assert.False(need["coverage"]!["covered"]!.GetValue<bool>());
        await Eventually(async () => (await Uncovered(coordinator)).Contains(needId));

        var pairing = await Expect(coordinator.PostAsJsonAsync("/api/v1/pairings", new { volunteerId = volunteer, householdId = household, needId }), HttpStatusCode.Created);
        var pairingId = pairing["pairingId"]!.GetValue<string>();
        await Eventually(async () => !(await Uncovered(coordinator)).Contains(needId));

        await Expect(coordinator.DeleteAsync($"/api/v1/pairings/{pairingId}"), HttpStatusCode.OK);
        await Eventually(async () => (await Uncovered(coordinator)).Contains(needId));
    }

    [Fact]
    public async Task Suggestions_rank_the_districts_volunteers_for_a_need_with_reasons_and_stay_in_the_district()
    {
        var coordinator = fixture.Dashboard.Coordinator("banfu");
        var volunteer = await fixture.Records.VolunteerAsync("banfu");
        var household = await fixture.Records.HouseholdAsync("banfu");
        var need = await Expect(coordinator.PostAsJsonAsync($"/api/v1/households/{household}/needs", new { itemId = "elderly-visit", frequency = "weekly", priority = 2 }), HttpStatusCode.Created);
        var needId = need["needId"]!.GetValue<string>();

        var suggestions = await Expect(coordinator.GetAsync($"/api/v1/needs/{needId}/suggestions"), HttpStatusCode.OK);
        var outsider = await fixture.Dashboard.Coordinator("shenwan").GetAsync($"/api/v1/needs/{needId}/suggestions");
        var unknown = await coordinator.GetAsync($"/api/v1/needs/{household}~n999/suggestions");

        var best = suggestions.AsArray().First(s => s!["volunteerId"]!.GetValue<string>() == volunteer)!;
        Assert.True(best["score"]!.GetValue<double>() > 0);
        Assert.False(string.IsNullOrEmpty(best["factors"]!["skills"]!["zhCn"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Forbidden, outsider.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task The_catalogue_lists_items_with_camel_case_frequencies()
    {
        var items = await Expect(fixture.Dashboard.Volunteer("v-anyone").GetAsync("/api/v1/catalogue"), HttpStatusCode.OK);

        var visit = items.AsArray().Single(i => i!["itemId"]!.GetValue<string>() == "elderly-visit")!;
        Assert.Equal("elderly", visit["category"]!.GetValue<string>());
        Assert.Equal("weekly", visit["defaultFrequency"]!.GetValue<string>());
        Assert.NotNull(visit["name"]);
        Assert.NotNull(visit["skills"]);
    }

    [Fact]
    public async Task Districts_carry_their_summary_figures()
    {
        var summary = await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync("/api/v1/districts"), HttpStatusCode.OK);

        var shiqi = summary.AsArray().Single()!;
        foreach (var field in new[] { "districtId", "name", "nameEn", "households", "openNeeds", "uncoveredNeeds", "activeVisits", "checkInsToday", "hoursThisMonth", "registeredVolunteers", "activeVolunteers", "activeVolunteerRate", "coverage" })
        {
            Assert.True(shiqi[field] is not null, field);
        }
    }

    [Fact]
    public async Task Teams_are_created_and_take_members()
    {
        var coordinator = fixture.Dashboard.Coordinator("nanqu");
        var volunteer = await fixture.Records.VolunteerAsync("nanqu");
        var teamId = NewId("team");

        await Expect(coordinator.PutAsJsonAsync($"/api/v1/teams/{teamId}", new { name = "南区义诊队", districtId = "nanqu", leaderId = "sw-nanqu", kind = "professional", specialty = "medical" }), HttpStatusCode.Created);
        var team = await Expect(coordinator.PostAsync($"/api/v1/teams/{teamId}/members/{volunteer}", null), HttpStatusCode.OK);

        Assert.Contains(volunteer, team["members"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    private static async Task<List<string>> Uncovered(HttpClient client)
    {
        var list = await Expect(client.GetAsync("/api/v1/districts/wuguishan/uncovered"), HttpStatusCode.OK);
        var since = list.AsArray().Select(n => n!["since"]!.GetValue<DateTimeOffset>()).ToList();
        Assert.Equal(since.Order(), since);
        return list.AsArray().Select(n => n!["needId"]!.GetValue<string>()).ToList();
    }

    /// <summary>District lists follow their households' events a moment later.</summary>
    internal static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 10 s.");
            await Task.Delay(50);
        }
    }
}
