using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>A coordinator of one district is refused everything of another, whichever route names it.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AuthorizationTests(DashboardFixture fixture)
{
    private const string Mine = "shiqi";
    private const string Theirs = "xiqu";

    [Fact]
    public async Task A_coordinator_is_forbidden_every_record_of_another_district()
    {
        var b = await fixture.Records.PairedAsync(Theirs);
        var visitId = NewId("visit");
        await Expect(fixture.Dashboard.Volunteer(b.VolunteerId).PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(b.HouseholdId)), HttpStatusCode.Created);
        var teamId = NewId("team");
        var team = new { name = "西区探访队", districtId = Theirs, leaderId = "sw-xiqu", kind = "regional" };
        await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/teams/{teamId}", team), HttpStatusCode.Created);
        var backfill = new
        {
            volunteerId = b.VolunteerId,
            householdId = b.HouseholdId,
            checkedInAt = DateTimeOffset.UtcNow.AddDays(-3),
            checkedOutAt = DateTimeOffset.UtcNow.AddDays(-3).AddHours(1),
            reason = "补录",
        };

        (HttpMethod Method, string Path, object? Body)[] routes =
        [
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}", null),
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}/uncovered", null),
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}/households", null),
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}/volunteers", null),
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}/due-today", null),
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}/uncovered.csv", null),
            (HttpMethod.Get, $"/api/v1/districts/{Theirs}/hours.csv", null),
            (HttpMethod.Put, $"/api/v1/volunteers/{b.VolunteerId}", VolunteerBody(Theirs)),
            (HttpMethod.Put, $"/api/v1/volunteers/{b.VolunteerId}", VolunteerBody(Mine)),
            (HttpMethod.Put, $"/api/v1/volunteers/{NewId("v")}", VolunteerBody(Theirs)),
            (HttpMethod.Get, $"/api/v1/volunteers/{b.VolunteerId}", null),
            (HttpMethod.Get, $"/api/v1/volunteers/{b.VolunteerId}/hours", null),
            (HttpMethod.Get, $"/api/v1/volunteers/{b.VolunteerId}/certificate", null),
            (HttpMethod.Post, $"/api/v1/volunteers/{b.VolunteerId}/ratings", new { stars = 5 }),
            (HttpMethod.Put, $"/api/v1/households/{b.HouseholdId}", HouseholdBody(Theirs)),
            (HttpMethod.Put, $"/api/v1/households/{b.HouseholdId}", HouseholdBody(Mine)),
            (HttpMethod.Put, $"/api/v1/households/{NewId("h")}", HouseholdBody(Theirs)),
            (HttpMethod.Get, $"/api/v1/households/{b.HouseholdId}", null),
            (HttpMethod.Post, $"/api/v1/households/{b.HouseholdId}/needs", new { itemId = "elderly-visit" }),
            (HttpMethod.Delete, $"/api/v1/households/{b.HouseholdId}/needs/{b.NeedId}", null),
            (HttpMethod.Post, $"/api/v1/households/{b.HouseholdId}/major-change", new { note = "住院" }),
            (HttpMethod.Post, "/api/v1/pairings", new { volunteerId = b.VolunteerId, householdId = b.HouseholdId, needId = b.NeedId }),
            (HttpMethod.Get, $"/api/v1/pairings/{b.PairingId}", null),
            (HttpMethod.Delete, $"/api/v1/pairings/{b.PairingId}", null),
            (HttpMethod.Get, $"/api/v1/visits/{visitId}", null),
            (HttpMethod.Post, $"/api/v1/visits/{visitId}/certify", null),
            (HttpMethod.Post, $"/api/v1/visits/{visitId}/reject", new { reason = "不符" }),
            (HttpMethod.Post, $"/api/v1/visits/{NewId("visit")}/backfill", backfill),
            (HttpMethod.Put, $"/api/v1/teams/{teamId}", team),
            (HttpMethod.Get, $"/api/v1/teams/{teamId}", null),
            (HttpMethod.Post, $"/api/v1/teams/{teamId}/members/{b.VolunteerId}", null),
            (HttpMethod.Delete, $"/api/v1/teams/{teamId}/members/{b.VolunteerId}", null),
        ];

        var coordinator = fixture.Dashboard.Coordinator(Mine);
        var wrong = new List<string>();
        foreach (var (method, path, body) in routes)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            using var response = await coordinator.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Forbidden || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
            {
                wrong.Add($"{method} {path} {(body is null ? "" : "(body)")} → {(int)response.StatusCode}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join('\n', wrong));

        // Nothing changed: the pairing still serves, the visit is still open.
        var pairing = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/pairings/{b.PairingId}"), HttpStatusCode.OK);
        Assert.Null(pairing["endedAt"]?.GetValue<DateTimeOffset?>());
        var visit = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
        Assert.Equal("checkedIn", visit["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_coordinator_sees_only_their_districts_in_the_list()
    {
        var districts = await Expect(fixture.Dashboard.Coordinator(Mine, "dongqu").GetAsync("/api/v1/districts"), HttpStatusCode.OK);

        Assert.Equal(["dongqu", Mine], districts.AsArray().Select(d => d!["districtId"]!.GetValue<string>()).Order());
        Assert.Equal(24, (await Expect(fixture.Dashboard.Operator().GetAsync("/api/v1/districts"), HttpStatusCode.OK)).AsArray().Count);
    }

    [Fact]
    public async Task A_volunteer_reaches_only_their_own_record()
    {
        var paired = await fixture.Records.PairedAsync(Mine);
        var other = await fixture.Records.VolunteerAsync(Mine);
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);

        await Expect(phone.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}"), HttpStatusCode.OK);
        await Expect(phone.GetAsync($"/api/v1/volunteers/{other}"), HttpStatusCode.Forbidden);
        await Expect(phone.GetAsync($"/api/v1/volunteers/{other}/hours"), HttpStatusCode.Forbidden);
        await Expect(phone.GetAsync($"/api/v1/households/{paired.HouseholdId}"), HttpStatusCode.Forbidden);
        await Expect(phone.GetAsync($"/api/v1/districts/{Mine}/uncovered"), HttpStatusCode.Forbidden);
        await Expect(phone.PutAsJsonAsync($"/api/v1/volunteers/{paired.VolunteerId}", VolunteerBody(Mine)), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_request_without_a_token_is_unauthorized_as_problem_json()
    {
        using var response = await fixture.Dashboard.CreateClient().GetAsync("/api/v1/catalogue");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_token_in_the_query_string_is_accepted_only_on_the_hub()
    {
        var token = fixture.Dashboard.Token("operator-q", "operator");
        var client = fixture.Dashboard.CreateClient();

        using var api = await client.GetAsync($"/api/v1/catalogue?access_token={token}");
        using var hub = await client.PostAsync($"/hubs/dashboard/negotiate?negotiateVersion=1&access_token={token}", null);

        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.OK, hub.StatusCode);
    }

    [Fact]
    public async Task A_coordinator_cannot_watch_another_district()
    {
        await using var hub = fixture.Dashboard.Hub(fixture.Dashboard.Token("coord-b", "coordinator", Theirs));
        await hub.StartAsync();

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Watch", Mine));
        await hub.InvokeAsync("Watch", Theirs);
        var all = await hub.InvokeAsync<string[]>("WatchAll");
        Assert.Equal([Theirs], all);
    }

    [Fact]
    public async Task A_volunteer_on_the_hub_hears_only_their_own_offers_and_watches_no_district()
    {
        await using var hub = fixture.Dashboard.Hub(fixture.Dashboard.Token("v-someone", "volunteer"));
        await hub.StartAsync();

        await Assert.ThrowsAsync<HubException>(() => hub.InvokeAsync("Watch", Mine));
        Assert.Empty(await hub.InvokeAsync<string[]>("WatchAll"));
    }
}
