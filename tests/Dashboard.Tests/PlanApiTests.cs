using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Boai.Orleans.Live;
using Microsoft.AspNetCore.SignalR.Client;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>The district plan route and accepting it; the plan covers a whole district, so this one is used by no other test.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PlanApiTests(DashboardFixture fixture)
{
    private const string District = "guzhen"; // no other dashboard test has records here: the plan covers the whole district

    [Fact]
    public async Task The_plan_proposes_a_volunteer_for_every_need_with_reasons_and_accepting_it_pairs_each_once()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        string[] volunteers = [await fixture.Records.VolunteerAsync(District), await fixture.Records.VolunteerAsync(District)];
        var needs = new List<string>();
        for (var k = 0; k < 3; k++)
        {
            needs.Add(await fixture.Records.NeedAsync(await fixture.Records.HouseholdAsync(District)));
        }

        var plan = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/plan"), HttpStatusCode.OK);

        Assert.Equal("minCostMaxFlow", plan["algorithm"]!.GetValue<string>());
        Assert.Equal(5, plan["maxPairingsPerVolunteer"]!.GetValue<int>());
        Assert.Empty(plan["unassigned"]!.AsArray());
        var proposals = plan["proposals"]!.AsArray().Select(p => p!).ToList();
        Assert.Equal(needs.Order(StringComparer.Ordinal), proposals.Select(p => p["needId"]!.GetValue<string>()));
        foreach (var p in proposals)
        {
            Assert.Contains(p["volunteerId"]!.GetValue<string>(), volunteers);
            Assert.Equal("陈**", p["maskedName"]!.GetValue<string>());
            Assert.Equal("elderly-visit", p["itemId"]!.GetValue<string>());
            Assert.Equal("noActivePairing", p["reason"]!.GetValue<string>());
            Assert.True(p["score"]!.GetValue<double>() > 0);
            Assert.False(string.IsNullOrEmpty(p["factors"]!["distance"]!["zhCn"]!.GetValue<string>()));
            Assert.False(string.IsNullOrEmpty(p["factors"]!["distance"]!["en"]!.GetValue<string>()));
        }

        // Accept exactly what was shown; then the same again, then the whole (now empty) plan by need ids.
        var shown = new { proposals = proposals.Select(p => new { needId = p["needId"]!.GetValue<string>(), volunteerId = p["volunteerId"]!.GetValue<string>() }) };
        var accepted = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/plan/accept", shown), HttpStatusCode.OK);
        var again = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/plan/accept", shown), HttpStatusCode.OK);
        var byIds = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/plan/accept", new { needIds = needs }), HttpStatusCode.OK);

        Assert.Equal(3, accepted["created"]!.GetValue<int>());
        Assert.All(accepted["results"]!.AsArray(), r => Assert.StartsWith(r!["householdId"]!.GetValue<string>() + "~p", r["pairingId"]!.GetValue<string>()));
        Assert.Equal(0, again["created"]!.GetValue<int>());
        Assert.All(again["results"]!.AsArray(), r => Assert.Equal("alreadyPaired", r!["reason"]!.GetValue<string>()));
        Assert.Equal(
            accepted["results"]!.AsArray().Select(r => r!["pairingId"]!.GetValue<string>()),
            again["results"]!.AsArray().Select(r => r!["pairingId"]!.GetValue<string>()));
        Assert.All(byIds["results"]!.AsArray(), r =>
        {
            Assert.Equal("skipped", r!["status"]!.GetValue<string>());
            Assert.Equal("needCovered", r["reason"]!.GetValue<string>());
        });

        var uncovered = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/uncovered"), HttpStatusCode.OK);
        Assert.DoesNotContain(uncovered.AsArray(), n => needs.Contains(n!["needId"]!.GetValue<string>()));
        foreach (var need in needs)
        {
            var file = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/households/{need.Split('~')[0]}"), HttpStatusCode.OK);
            Assert.Single(file["pairings"]!.AsArray(), p => p!["needId"]!.GetValue<string>() == need);
        }
    }

    [Fact]
    public async Task Only_the_districts_coordinators_and_operators_see_or_accept_its_plan()
    {
        var outsider = fixture.Dashboard.Coordinator("shenwan");
        var volunteer = fixture.Dashboard.Volunteer("v-anyone");

        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync($"/api/v1/districts/{District}/plan")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.PostAsJsonAsync($"/api/v1/districts/{District}/plan/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await volunteer.GetAsync($"/api/v1/districts/{District}/plan")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Dashboard.Operator().GetAsync("/api/v1/districts/atlantis/plan")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Dashboard.Operator().GetAsync($"/api/v1/districts/{District}/plan")).StatusCode);
    }

    [Fact]
    public async Task A_bad_accept_body_is_a_problem_naming_each_field_and_pairs_nothing()
    {
        var coordinator = fixture.Dashboard.Coordinator("minzhong");
        var household = await fixture.Records.HouseholdAsync("minzhong");
        var need = await fixture.Records.NeedAsync(household);
        await fixture.Records.VolunteerAsync("minzhong");
        var accept = "/api/v1/districts/minzhong/plan/accept";

        var notNeeds = await Problem(coordinator.PostAsJsonAsync(accept, new { needIds = new[] { need, "h1", need } }));
        var both = await Problem(coordinator.PostAsJsonAsync(accept, new { needIds = new[] { need }, proposals = Array.Empty<object>() }));
        var badPair = await Problem(coordinator.PostAsJsonAsync(accept, new { proposals = new object?[] { new { needId = need, volunteerId = "no spaces!" }, null } }));
        using var malformed = await coordinator.PostAsync(accept, new StringContent("{\"needIds\": 7}", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(["needIds[1]", "needIds[2]"], notNeeds.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["proposals"], both.Select(e => e.Key));
        Assert.Equal(["proposals[0].volunteerId", "proposals[1]"], badPair.Select(e => e.Key).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        var uncovered = await Expect(coordinator.GetAsync("/api/v1/districts/minzhong/uncovered"), HttpStatusCode.OK);
        Assert.Contains(uncovered.AsArray(), n => n!["needId"]!.GetValue<string>() == need);
    }

    [Fact]
    public async Task When_a_volunteer_leaves_the_watchers_get_suggestions_for_their_needs_and_the_uncovered_list_carries_them()
    {
        const string district = "dachong";
        var registry = fixture.Silo.Grains.GetGrain<IDashboardHostRegistryGrain>(0);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await registry.GetHosts()).IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "The dashboard never registered for live events.");
            await Task.Delay(50);
        }

        var paired = await fixture.Records.PairedAsync(district);
        var stays = await fixture.Records.VolunteerAsync(district, "王小红");
        var ready = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = fixture.Dashboard.Hub(fixture.Dashboard.Token("coord-dachong", "coordinator", district));
        hub.On<JsonElement>("suggestionsReady", payload =>
        {
            if (payload.GetProperty("needId").GetString() == paired.NeedId)
            {
                ready.TrySetResult(payload);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync("Watch", district);

        var leaving = VolunteerBody(district);
        var body = JsonSerializer.SerializeToNode(leaving)!.AsObject();
        body["status"] = "left";
        await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/volunteers/{paired.VolunteerId}", body), HttpStatusCode.OK);

        var published = await ready.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(district, published.GetProperty("districtId").GetString());
        Assert.Equal(paired.HouseholdId, published.GetProperty("householdId").GetString());
        Assert.Equal("volunteerLeft", published.GetProperty("reason").GetString());
        var best = published.GetProperty("suggestions")[0];
        Assert.Equal(stays, best.GetProperty("volunteerId").GetString());
        Assert.Equal("王**", best.GetProperty("maskedName").GetString());
        Assert.True(best.GetProperty("factors").GetProperty("skills").TryGetProperty("zhCn", out _));
        Assert.DoesNotContain(published.GetProperty("suggestions").EnumerateArray(), s => s.GetProperty("volunteerId").GetString() == paired.VolunteerId);

        var uncovered = await Expect(fixture.Dashboard.Coordinator(district).GetAsync($"/api/v1/districts/{district}/uncovered"), HttpStatusCode.OK);
        var need = uncovered.AsArray().Single(n => n!["needId"]!.GetValue<string>() == paired.NeedId)!;
        Assert.Equal(stays, need["suggestions"]![0]!["volunteerId"]!.GetValue<string>());
    }

    private static async Task<JsonObject> Problem(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return body["errors"]!.AsObject();
    }
}
