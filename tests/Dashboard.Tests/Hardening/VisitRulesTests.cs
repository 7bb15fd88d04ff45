using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Visits;
using Microsoft.Extensions.DependencyInjection;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>
/// Issue 15, findings 1–3 through the API: back-fills bounded and held for a second person, one answer whether a rule
/// is asked of the API or of its grain, visit ids per volunteer with coordinators' routes still finding them.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class VisitRulesTests(DashboardFixture fixture)
{
    private const string District = "shaxi";

    private IGrainFactory Grains => fixture.Dashboard.Services.GetRequiredService<IGrainFactory>();

    private static object Backfill(Paired paired, DateTimeOffset checkedInAt, DateTimeOffset checkedOutAt, params string[] services) => new
    {
        volunteerId = paired.VolunteerId,
        householdId = paired.HouseholdId,
        needId = paired.NeedId,
        checkedInAt,
        checkedOutAt,
        services,
        reason = "纸质记录补录",
    };

    [Fact]
    public async Task A_coordinator_of_one_district_cannot_backfill_into_another()
    {
        var paired = await fixture.Records.PairedAsync(District);
        var at = DateTimeOffset.UtcNow.AddDays(-2);
        var body = Backfill(paired, at, at.AddHours(1));

        using var elsewhere = await fixture.Dashboard.Coordinator("dongsheng").PostAsJsonAsync($"/api/v1/visits/{NewId("bf")}/backfill", body);

        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal("application/problem+json", elsewhere.Content.Headers.ContentType?.MediaType);
        var hours = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(0, hours["visits"]!.GetValue<int>());
        await Expect(fixture.Dashboard.Operator().PostAsJsonAsync($"/api/v1/visits/{NewId("bf")}/backfill", body), HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("2020-01-01T08:00:00+08:00", "2099-12-31T08:00:00+08:00")] // ~690,000 hours on the certificate before
    [InlineData("-P3D", "-P1DT18H")] // 30 h: over Rules:MaxBackfillDuration
    [InlineData("-P1D", "PT2H")] // check-out in the future
    [InlineData("-P1D", "-P1D")] // no length
    public async Task An_unbounded_backfill_is_a_400_naming_checkedOutAt_and_mints_no_hours(string checkedIn, string checkedOut)
    {
        var paired = await fixture.Records.PairedAsync(District);
        var now = DateTimeOffset.UtcNow;
        var body = Backfill(paired, Time(checkedIn, now), Time(checkedOut, now));

        using var response = await fixture.Dashboard.Coordinator(District).PostAsJsonAsync($"/api/v1/visits/{NewId("bf")}/backfill", body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["checkedOutAt"]);
        var certificate = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(0, certificate["certifiedHours"]!.GetValue<double>() + certificate["pendingHours"]!.GetValue<double>());
    }

    [Fact]
    public async Task An_over_cap_backfill_waits_in_the_queue_until_a_second_coordinator_certifies_it()
    {
        var paired = await fixture.Records.PairedAsync(District);
        var first = fixture.Dashboard.ClientFor("coord-first", Roles.Coordinator, District);
        var second = fixture.Dashboard.ClientFor("coord-second", Roles.Coordinator, District);
        var visitId = NewId("bf");
        var at = DateTimeOffset.UtcNow.AddDays(-3);

        var created = await Expect(first.PostAsJsonAsync($"/api/v1/visits/{visitId}/backfill", Backfill(paired, at, at.AddHours(10))), HttpStatusCode.Created);
        var queue = await Expect(first.GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK);
        var held = await Expect(first.PostAsync($"/api/v1/visits/{visitId}/certify", null), HttpStatusCode.Accepted);
        var bulkByRecorder = await Expect(first.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = new[] { visitId }, decision = "certify" }), HttpStatusCode.OK);
        var pendingHours = await Expect(first.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        var certified = await Expect(second.PostAsync($"/api/v1/visits/{visitId}/certify", null), HttpStatusCode.OK);

        Assert.Equal("checkedOut", created["status"]!.GetValue<string>());
        Assert.Equal(["overCap"], created["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        var item = Assert.Single(queue["items"]!.AsArray(), i => i!["visitId"]!.GetValue<string>() == visitId)!;
        Assert.True(item["needsSecondApproval"]!.GetValue<bool>());
        Assert.Equal("coord-first", item["firstApprovedBy"]!.GetValue<string>());
        Assert.Equal("coord-first", held["firstApprovedBy"]!.GetValue<string>());
        Assert.Equal(202, bulkByRecorder["results"]![0]!["status"]!.GetValue<int>());
        Assert.Equal(0, pendingHours["certifiedHours"]!.GetValue<double>());
        Assert.Equal(10, pendingHours["pendingHours"]!.GetValue<double>());
        Assert.Equal("certified", certified["status"]!.GetValue<string>());
        Assert.Equal("coord-second", certified["decidedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_api_and_the_grain_give_one_answer_for_each_visit_and_order_rule()
    {
        var paired = await fixture.Records.PairedAsync(District);
        var coordinator = fixture.Dashboard.Coordinator(District);
        var by = Actor.Coordinator("coord-" + District, District);
        var at = DateTimeOffset.UtcNow.AddDays(-1).ToOffset(TimeSpan.FromHours(8));

        // Time order: the API had "<=" and the grain "<"; a visit of no length was a 400 or certified, by door.
        var sameTimeApi = await AnswerAsync(coordinator.PostAsJsonAsync($"/api/v1/visits/{NewId("bf")}/backfill", Backfill(paired, at, at)));
        var sameTimeGrain = await Grains.Visit(paired.VolunteerId, NewId("bf"))
            .Backfill(new Backfill(paired.VolunteerId, paired.HouseholdId, paired.NeedId, at, at, [], null, "补录", by));
        // The catalogue.
        var itemApi = await AnswerAsync(coordinator.PostAsJsonAsync($"/api/v1/visits/{NewId("bf")}/backfill", Backfill(paired, at, at.AddHours(1), "no-such-item")));
        var itemGrain = await Grains.Visit(paired.VolunteerId, NewId("bf"))
            .Backfill(new Backfill(paired.VolunteerId, paired.HouseholdId, paired.NeedId, at, at.AddHours(1), ["no-such-item"], null, "补录", by));
        // Volunteer existence.
        var nobody = NewId("nobody");
        var nobodyApi = await AnswerAsync(coordinator.PostAsJsonAsync($"/api/v1/visits/{NewId("bf")}/backfill", new
        {
            volunteerId = nobody, householdId = paired.HouseholdId, checkedInAt = at, checkedOutAt = at.AddHours(1), reason = "补录",
        }));
        var nobodyGrain = await Grains.Visit(nobody, NewId("bf"))
            .Backfill(new Backfill(nobody, paired.HouseholdId, null, at, at.AddHours(1), [], null, "补录", by));
        // An order's window.
        var start = DateTimeOffset.UtcNow.AddDays(1);
        var windowApi = await AnswerAsync(coordinator.PostAsJsonAsync("/api/v1/orders", new
        {
            householdId = paired.HouseholdId, itemId = "elderly-visit", windowStart = start, windowEnd = start.AddHours(-1),
        }));
        var windowGrain = await Grains.GetGrain<IOrderGrain>(Ids.OrderId(paired.HouseholdId, 999))
            .Create(new NewOrder(paired.HouseholdId, "elderly-visit", start, start.AddHours(-1), null, 3, by.Sub));

        Assert.Equal("400 checkedOutAt", sameTimeApi);
        Assert.Equal(["checkedOutAt"], sameTimeGrain.Failure!.Errors!.Keys);
        Assert.Equal("400 services[0]", itemApi);
        Assert.Equal(["services[0]"], itemGrain.Failure!.Errors!.Keys);
        Assert.Equal("400 volunteerId", nobodyApi);
        Assert.Equal(["volunteerId"], nobodyGrain.Failure!.Errors!.Keys);
        Assert.Equal("400 windowEnd", windowApi);
        Assert.Equal(["windowEnd"], windowGrain.Failure!.Errors!.Keys);
    }

    [Fact]
    public async Task Two_volunteers_choosing_one_visit_id_each_get_their_own_visit_and_coordinators_name_one_with_volunteerId()
    {
        var first = await fixture.Records.PairedAsync(District);
        var second = await fixture.Records.VolunteerAsync(District);
        await fixture.Records.PairingAsync(second, first.HouseholdId, first.NeedId);
        var visitId = NewId("same");
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        var phoneA = fixture.Dashboard.Volunteer(first.VolunteerId);
        var phoneB = fixture.Dashboard.Volunteer(second);
        var coordinator = fixture.Dashboard.Coordinator(District);

        var a = await Expect(phoneA.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(first.HouseholdId, first.NeedId, at)), HttpStatusCode.Created);
        var b = await Expect(phoneB.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(first.HouseholdId, first.NeedId, at.AddMinutes(2))), HttpStatusCode.Created);
        await Expect(phoneA.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        await Expect(phoneB.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        var ownA = await Expect(phoneA.GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
        using var ambiguous = await coordinator.PostAsync($"/api/v1/visits/{visitId}/certify", null);
        var certifiedB = await Expect(coordinator.PostAsync($"/api/v1/visits/{visitId}/certify?volunteerId={second}", null), HttpStatusCode.OK);
        var readA = await Expect(coordinator.GetAsync($"/api/v1/visits/{visitId}?volunteerId={first.VolunteerId}"), HttpStatusCode.OK);
        var bulk = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new
        {
            visitIds = new[] { visitId }, volunteerIds = new[] { first.VolunteerId }, decision = "reject", reason = "重复记录",
        }), HttpStatusCode.OK);

        Assert.Equal(first.VolunteerId, a["volunteerId"]!.GetValue<string>());
        Assert.Equal(second, b["volunteerId"]!.GetValue<string>());
        Assert.Equal(first.VolunteerId, ownA["volunteerId"]!.GetValue<string>());
        var problem = await ProblemAsync(ambiguous, HttpStatusCode.BadRequest);
        Assert.NotNull(problem["errors"]!["volunteerId"]);
        Assert.Equal((second, "certified"), (certifiedB["volunteerId"]!.GetValue<string>(), certifiedB["status"]!.GetValue<string>()));
        Assert.Equal("checkedOut", readA["status"]!.GetValue<string>());
        Assert.Equal((200, "rejected"), (bulk["results"]![0]!["status"]!.GetValue<int>(), bulk["results"]![0]!["visit"]!["status"]!.GetValue<string>()));
        Assert.Equal(first.VolunteerId, bulk["results"]![0]!["visit"]!["volunteerId"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_visit_id_used_in_one_district_only_is_found_without_volunteerId()
    {
        var paired = await fixture.Records.PairedAsync(District);
        var elsewhere = await fixture.Records.PairedAsync("dongsheng");
        var visitId = NewId("same");
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);
        foreach (var (volunteer, household) in new[] { (paired.VolunteerId, paired.HouseholdId), (elsewhere.VolunteerId, elsewhere.HouseholdId) })
        {
            var phone = fixture.Dashboard.Volunteer(volunteer);
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(household, at: at)), HttpStatusCode.Created);
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        }

        var mine = await Expect(fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
        using var theirs = await fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/visits/{visitId}?volunteerId={elsewhere.VolunteerId}");

        Assert.Equal(paired.VolunteerId, mine["volunteerId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Forbidden, theirs.StatusCode);
    }

    private static DateTimeOffset Time(string text, DateTimeOffset now) =>
        text.StartsWith('P') || text.StartsWith("-P", StringComparison.Ordinal)
            ? now + (text.StartsWith('-') ? -System.Xml.XmlConvert.ToTimeSpan(text[1..]) : System.Xml.XmlConvert.ToTimeSpan(text))
            : DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<JsonNode> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(body)!;
    }

    /// <summary>The status and the fields named, as "400 checkedOutAt".</summary>
    private static async Task<string> AnswerAsync(Task<HttpResponseMessage> request)
    {
        using var response = await request;
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        var fields = body?["errors"] is JsonObject errors ? errors.Select(e => e.Key) : [];
        return $"{(int)response.StatusCode} {string.Join(',', fields)}";
    }
}
