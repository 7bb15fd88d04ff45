using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>The coordinator's workspace routes: the certification queue and bulk decisions, trainings, a district's pairings.</summary>
[Collection(DashboardCollection.Name)]
public sealed class WorkspaceApiTests(DashboardFixture fixture)
{
    private const string District = "nanlang"; // its queue is this class's alone

    /// <summary>The smallest bytes a JPEG starts with, and some body: enough for the server's sniffing.</summary>
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];

    [Fact]
    public async Task The_queue_lists_pending_visits_oldest_first_with_their_flags_and_pages()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var paired = await fixture.Records.PairedAsync(District);
        var now = DateTimeOffset.UtcNow;
        var late = await VisitAsync(paired, now.AddHours(-5), now.AddHours(-4)); // uploaded hours after: flagged late
        var clean = await VisitAsync(paired, now.AddMinutes(-50), now.AddMinutes(-5));

        var all = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK);
        var ids = Ids(all);
        Assert.True(ids.IndexOf(late) < ids.IndexOf(clean) && ids.IndexOf(late) >= 0, all.ToJsonString());
        var lateItem = Item(all, late);
        Assert.Contains("late", lateItem["flags"]!.AsArray().Select(f => f!.GetValue<string>()));
        Assert.Equal(paired.HouseholdId, lateItem["householdId"]!.GetValue<string>());
        Assert.Equal("悦来社区", lateItem["community"]!.GetValue<string>());
        Assert.EndsWith("*", lateItem["volunteerName"]!.GetValue<string>());
        Assert.Equal(1, lateItem["hours"]!.GetValue<double>());
        Assert.Equal(0, lateItem["photos"]!.GetValue<int>());
        Assert.Contains("elderly-visit", lateItem["services"]!.AsArray().Select(s => s!.GetValue<string>()));

        var page = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/visits?status=pending&skip=1&take=1"), HttpStatusCode.OK);
        Assert.Equal(all["total"]!.GetValue<int>(), page["total"]!.GetValue<int>());
        Assert.Equal([ids[1]], Ids(page));
    }

    [Fact]
    public async Task The_queue_counts_the_photos_the_phone_app_stored_for_each_visit_and_they_open_from_it()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var paired = await fixture.Records.PairedAsync(District);
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var now = DateTimeOffset.UtcNow;
        var withPhotos = await VisitAsync(paired, now.AddMinutes(-70), now.AddMinutes(-20));
        var without = await VisitAsync(paired, now.AddMinutes(-15), now.AddMinutes(-5));
        foreach (var photoId in new[] { "door", "kitchen" })
        {
            using var image = new ByteArrayContent(Jpeg);
            image.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("image/jpeg");
            await Expect(phone.PutAsync($"/api/v1/visits/{withPhotos}/photos/{photoId}", image), HttpStatusCode.Created);
        }

        var queue = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK);
        var item = Item(queue, withPhotos);
        Assert.Equal(2, item["photos"]!.GetValue<int>());
        Assert.Equal(["door", "kitchen"], item["photoIds"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(0, Item(queue, without)["photos"]!.GetValue<int>());

        // The ids the queue lists are the photos the coordinator opens.
        using var photo = await coordinator.GetAsync($"/api/v1/visits/{withPhotos}/photos/kitchen");
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal(Jpeg, await photo.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Certifying_many_moves_hours_and_rejecting_needs_a_reason()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var paired = await fixture.Records.PairedAsync(District);
        var now = DateTimeOffset.UtcNow;
        var first = await VisitAsync(paired, now.AddMinutes(-200), now.AddMinutes(-140));
        var second = await VisitAsync(paired, now.AddMinutes(-100), now.AddMinutes(-40));
        var third = await VisitAsync(paired, now.AddMinutes(-30), now.AddMinutes(-15));
        var before = await Expect(coordinator.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(0, before["certifiedHours"]!.GetValue<double>());

        var noReason = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = new[] { third }, decision = "reject" }), HttpStatusCode.BadRequest);
        Assert.NotNull(noReason["errors"]!["reason"]);
        var bad = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = Array.Empty<string>(), decision = "approve" }), HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["visitIds"]);
        Assert.NotNull(bad["errors"]!["decision"]);

        var answer = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = new[] { first, second, "no-such-visit" }, decision = "certify" }), HttpStatusCode.OK);
        Assert.Equal(2, answer["decided"]!.GetValue<int>());
        Assert.Equal(404, answer["results"]!.AsArray().Single(r => r!["visitId"]!.GetValue<string>() == "no-such-visit")!["status"]!.GetValue<int>());
        var rejected = await Expect(coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = new[] { third }, decision = "reject", reason = "重复记录" }), HttpStatusCode.OK);
        Assert.Equal("rejected", rejected["results"]![0]!["visit"]!["status"]!.GetValue<string>());

        var after = await Expect(coordinator.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK);
        Assert.Equal(2, after["certifiedHours"]!.GetValue<double>());
        Assert.Equal(0, after["pendingHours"]!.GetValue<double>());
        var queue = Ids(await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK));
        Assert.DoesNotContain(first, queue);
        Assert.DoesNotContain(third, queue);
    }

    [Fact]
    public async Task A_flagged_visit_over_the_limit_needs_a_second_certifier()
    {
        var first = fixture.Dashboard.ClientFor("coord-first", "coordinator", District);
        var second = fixture.Dashboard.ClientFor("coord-second", "coordinator", District);
        var paired = await fixture.Records.PairedAsync(District);
        var now = DateTimeOffset.UtcNow;
        var visit = await VisitAsync(paired, now.AddHours(-5), now.AddMinutes(-10)); // uploaded late, 4.75 h: over 4 h

        var held = await Expect(first.PostAsync($"/api/v1/visits/{visit}/certify", null), HttpStatusCode.Accepted);
        Assert.Equal("coord-first", held["firstApprovedBy"]!.GetValue<string>());
        Assert.Equal("checkedOut", held["visit"]!["status"]!.GetValue<string>());
        await Expect(first.PostAsync($"/api/v1/visits/{visit}/certify", null), HttpStatusCode.Accepted);
        var queued = Item(await Expect(first.GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK), visit);
        Assert.True(queued["needsSecondApproval"]!.GetValue<bool>());
        Assert.Equal("coord-first", queued["firstApprovedBy"]!.GetValue<string>());
        Assert.Equal(0, (await Expect(first.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK))["certifiedHours"]!.GetValue<double>());

        var bulk = await Expect(second.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = new[] { visit }, decision = "certify" }), HttpStatusCode.OK);
        Assert.Equal(200, bulk["results"]![0]!["status"]!.GetValue<int>());
        Assert.Equal(4.75, (await Expect(first.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/hours"), HttpStatusCode.OK))["certifiedHours"]!.GetValue<double>());
    }

    [Fact]
    public async Task The_queue_refuses_bad_paging_and_other_districts_coordinators()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var missing = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/visits"), HttpStatusCode.BadRequest);
        Assert.NotNull(missing["errors"]!["status"]);
        var paging = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/visits?status=pending&skip=-1&take=500"), HttpStatusCode.BadRequest);
        Assert.NotNull(paging["errors"]!["skip"]);
        Assert.NotNull(paging["errors"]!["take"]);
        await Expect(coordinator.GetAsync("/api/v1/districts/nowhere/visits?status=pending"), HttpStatusCode.NotFound);

        var paired = await fixture.Records.PairedAsync(District);
        var visit = await VisitAsync(paired, DateTimeOffset.UtcNow.AddMinutes(-30), DateTimeOffset.UtcNow.AddMinutes(-10));
        var other = fixture.Dashboard.Coordinator("shiqi");
        await Expect(other.GetAsync($"/api/v1/districts/{District}/visits?status=pending"), HttpStatusCode.Forbidden);
        await Expect(other.PostAsJsonAsync($"/api/v1/districts/{District}/visits/decisions", new { visitIds = new[] { visit }, decision = "certify" }), HttpStatusCode.Forbidden);

        // Through its own district's route, a visit of another district is not there to decide.
        var answer = await Expect(other.PostAsJsonAsync("/api/v1/districts/shiqi/visits/decisions", new { visitIds = new[] { visit }, decision = "certify" }), HttpStatusCode.OK);
        Assert.Equal(403, answer["results"]![0]!["status"]!.GetValue<int>());
        Assert.Contains(visit, Ids(await Expect(fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/districts/{District}/visits?status=pending&take=200"), HttpStatusCode.OK)));
    }

    [Fact]
    public async Task Trainings_are_recorded_with_their_expiry_and_validated()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var volunteer = await fixture.Records.VolunteerAsync(District);

        var record = await Expect(
            coordinator.PostAsJsonAsync($"/api/v1/volunteers/{volunteer}/trainings", new { name = "急救员培训", completedOn = "2026-03-01", expiresOn = "2028-03-01", certificate = "RC-0001" }),
            HttpStatusCode.OK);
        var training = record["trainings"]!.AsArray().Single()!;
        Assert.Equal("急救员培训", training["name"]!.GetValue<string>());
        Assert.Equal("2028-03-01", training["expiresOn"]!.GetValue<string>());

        var bad = await Expect(coordinator.PostAsJsonAsync($"/api/v1/volunteers/{volunteer}/trainings", new { name = "", completedOn = "03/01/2026" }), HttpStatusCode.BadRequest);
        Assert.NotNull(bad["errors"]!["name"]);
        Assert.NotNull(bad["errors"]!["completedOn"]);
        var backwards = await Expect(coordinator.PostAsJsonAsync($"/api/v1/volunteers/{volunteer}/trainings", new { name = "x", completedOn = "2026-03-01", expiresOn = "2025-03-01" }), HttpStatusCode.BadRequest);
        Assert.NotNull(backwards["errors"]!["expiresOn"]);
        await Expect(coordinator.PostAsJsonAsync("/api/v1/volunteers/v-nobody/trainings", new { name = "x", completedOn = "2026-03-01" }), HttpStatusCode.NotFound);
        await Expect(fixture.Dashboard.Coordinator("shiqi").PostAsJsonAsync($"/api/v1/volunteers/{volunteer}/trainings", new { name = "x", completedOn = "2026-03-01" }), HttpStatusCode.Forbidden);
        Assert.Single((await Expect(coordinator.GetAsync($"/api/v1/volunteers/{volunteer}"), HttpStatusCode.OK))["trainings"]!.AsArray());
    }

    [Fact]
    public async Task A_districts_pairings_list_shows_slot_and_last_visit_and_a_paused_volunteer_keeps_the_reason()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var paired = await fixture.Records.PairedAsync(District);
        await Expect(
            coordinator.PostAsJsonAsync("/api/v1/pairings", new { paired.VolunteerId, paired.HouseholdId, paired.NeedId, slot = new { day = "friday", start = "14:00", end = "15:00" } }),
            HttpStatusCode.OK);
        await VisitAsync(paired, DateTimeOffset.UtcNow.AddMinutes(-40), DateTimeOffset.UtcNow.AddMinutes(-10));

        var list = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/pairings"), HttpStatusCode.OK);
        var row = list.AsArray().Single(p => p!["pairingId"]!.GetValue<string>() == paired.PairingId)!;
        Assert.Equal("friday", row["slot"]!["day"]!.GetValue<string>());
        Assert.Equal("elderly-visit", row["itemId"]!.GetValue<string>());
        Assert.NotNull(row["lastVisitAt"]);
        Assert.EndsWith("*", row["volunteerName"]!.GetValue<string>());
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/{District}/pairings"), HttpStatusCode.Forbidden);

        var body = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(VolunteerBody(District), new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)))!.AsObject();
        body["status"] = "paused";
        body["statusReason"] = "外出务工三个月";
        var paused = await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{paired.VolunteerId}", body), HttpStatusCode.OK);
        Assert.Equal("外出务工三个月", paused["statusReason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_districts_teams_are_listed_with_members_masked_and_follow_a_move()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var volunteer = await fixture.Records.VolunteerAsync(District);
        var root = NewId("t");
        var medical = NewId("t");
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/teams/{root}", new { name = "南朗义工大队", districtId = District, leaderId = "sw-1", kind = "regional" }), HttpStatusCode.Created);
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/teams/{medical}", new { name = "医疗分队", districtId = District, leaderId = "sw-2", kind = "professional", specialty = "medical", parentTeamId = root }), HttpStatusCode.Created);
        await Expect(coordinator.PostAsync($"/api/v1/teams/{medical}/members/{volunteer}", null), HttpStatusCode.OK);

        var teams = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/teams"), HttpStatusCode.OK);
        var listed = teams.AsArray().Single(t => t!["teamId"]!.GetValue<string>() == medical)!;
        Assert.Equal(root, listed["parentTeamId"]!.GetValue<string>());
        Assert.Equal("professional", listed["kind"]!.GetValue<string>());
        Assert.Equal(volunteer, listed["members"]![0]!["volunteerId"]!.GetValue<string>());
        Assert.EndsWith("*", listed["members"]![0]!["name"]!.GetValue<string>());
        Assert.Contains(teams.AsArray(), t => t!["teamId"]!.GetValue<string>() == root);
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/{District}/teams"), HttpStatusCode.Forbidden);

        // Moved to another district, the team leaves this list and joins that one.
        await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/teams/{medical}", new { name = "医疗分队", districtId = "shiqi", leaderId = "sw-2", kind = "professional" }), HttpStatusCode.OK);
        Assert.DoesNotContain((await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/teams"), HttpStatusCode.OK)).AsArray(), t => t!["teamId"]!.GetValue<string>() == medical);
        Assert.Contains((await Expect(fixture.Dashboard.Operator().GetAsync("/api/v1/districts/shiqi/teams"), HttpStatusCode.OK)).AsArray(), t => t!["teamId"]!.GetValue<string>() == medical);
    }

    [Fact]
    public async Task Search_finds_households_and_volunteers_by_name_phone_tail_community_and_address_masked_within_the_callers_districts()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var community = "搜索测试社区" + Guid.NewGuid().ToString("N")[..4];
        var household = await fixture.Records.HouseholdAsync(District, community);
        var volunteer = await fixture.Records.VolunteerAsync(District, "欧阳搜索");

        var byCommunity = await Expect(coordinator.GetAsync($"/api/v1/search?q={Uri.EscapeDataString(community)}"), HttpStatusCode.OK);
        var hit = byCommunity["households"]!.AsArray().Single()!;
        Assert.Equal(household, hit["householdId"]!.GetValue<string>());
        Assert.Equal("黄*", hit["name"]!.GetValue<string>());
        Assert.DoesNotContain("12345678", hit["phone"]!.GetValue<string>());
        Assert.Null(hit["address"]);

        var byName = await Expect(coordinator.GetAsync($"/api/v1/search?q={Uri.EscapeDataString("欧阳搜索")}&districtId={District}"), HttpStatusCode.OK);
        var found = byName["volunteers"]!.AsArray().Single(v => v!["volunteerId"]!.GetValue<string>() == volunteer)!;
        Assert.Equal("name", found["matched"]!.GetValue<string>());
        Assert.DoesNotContain("欧阳搜索", found["name"]!.GetValue<string>());

        var byPhone = await Expect(coordinator.GetAsync("/api/v1/search?q=1234&districtId=" + District), HttpStatusCode.OK);
        Assert.Contains(byPhone["volunteers"]!.AsArray(), v => v!["volunteerId"]!.GetValue<string>() == volunteer && v["matched"]!.GetValue<string>() == "phone");
        var byAddress = await Expect(coordinator.GetAsync($"/api/v1/search?q={Uri.EscapeDataString("悦来南路")}&districtId={District}"), HttpStatusCode.OK);
        Assert.Contains(byAddress["households"]!.AsArray(), h => h!["householdId"]!.GetValue<string>() == household);

        var elsewhere = await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/search?q={Uri.EscapeDataString(community)}"), HttpStatusCode.OK);
        Assert.Empty(elsewhere["households"]!.AsArray());
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/search?q=x&districtId={District}"), HttpStatusCode.Forbidden);
        var empty = await Expect(coordinator.GetAsync("/api/v1/search?q="), HttpStatusCode.BadRequest);
        Assert.NotNull(empty["errors"]!["q"]);
    }

    private async Task<string> VisitAsync(Paired paired, DateTimeOffset checkIn, DateTimeOffset checkOut)
    {
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, checkIn)), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(checkOut)), HttpStatusCode.OK);
        return visitId;
    }

    private static List<string> Ids(JsonNode page) => page["items"]!.AsArray().Select(v => v!["visitId"]!.GetValue<string>()).ToList();

    private static JsonNode Item(JsonNode page, string visitId) => page["items"]!.AsArray().Single(v => v!["visitId"]!.GetValue<string>() == visitId)!;
}
