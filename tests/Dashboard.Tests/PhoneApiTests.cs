using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Boai.Orleans.Dashboard.Phone;
using Boai.Orleans.Live;
using Boai.Orleans.Visits;
using Microsoft.AspNetCore.SignalR.Client;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>The volunteer phone app's routes and the resident's, each with its object-level authorization.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PhoneApiTests(DashboardFixture fixture)
{
    /// <summary>The smallest bytes a JPEG starts with, and some body: enough for the server's sniffing.</summary>
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xD9];

    [Fact]
    public async Task Today_gives_a_volunteer_the_address_and_phone_only_of_households_they_serve_and_audits_each_read()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var stranger = await fixture.Records.HouseholdAsync("shiqi", "别的社区");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);

        var today = await Expect(phone.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/today"), HttpStatusCode.OK);

        var households = today["households"]!.AsArray();
        var served = Assert.Single(households);
        Assert.Equal(paired.HouseholdId, served!["householdId"]!.GetValue<string>());
        Assert.Equal("悦来南路 12 号", served["address"]!.GetValue<string>());
        Assert.Equal("悦来社区", served["community"]!.GetValue<string>());
        Assert.Equal("13912345678", served["contactPhone"]!.GetValue<string>());
        Assert.Equal("黄*", served["residentName"]!.GetValue<string>());
        Assert.DoesNotContain(stranger, today.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(paired.PairingId, today["pairings"]![0]!["pairingId"]!.GetValue<string>());

        var other = await fixture.Records.VolunteerAsync("shiqi");
        await Expect(fixture.Dashboard.Volunteer(other).GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/today"), HttpStatusCode.Forbidden);
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/today"), HttpStatusCode.Forbidden);
        await Expect(phone.GetAsync($"/api/v1/households/{paired.HouseholdId}"), HttpStatusCode.Forbidden);

        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Settings["Storage:AuditTable"]);
        await RecordsApiTests.Eventually(async () =>
        {
            try
            {
                await foreach (var entity in table.QueryAsync<TableEntity>(e => e.GetString("Sub") == paired.VolunteerId))
                {
                    if (entity.GetString("ObjectId").Contains("householdId=" + paired.HouseholdId, StringComparison.Ordinal)
                        && entity.GetString("Action") == "read")
                    {
                        return true;
                    }
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The table is made with the first entry.
            }

            return false;
        });
    }

    [Fact]
    public async Task Photos_go_to_blob_storage_and_only_the_volunteer_and_the_districts_coordinators_see_them()
    {
        var paired = await fixture.Records.PairedAsync("dongqu");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        await Expect(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p1", Image(Jpeg)), HttpStatusCode.NotFound);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId)), HttpStatusCode.Created);

        await Expect(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p1", Image(Jpeg)), HttpStatusCode.Created);
        await Expect(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p1", Image(Jpeg)), HttpStatusCode.OK);

        using (var mine = await phone.GetAsync($"/api/v1/visits/{visitId}/photos/p1"))
        {
            Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
            Assert.Equal("image/jpeg", mine.Content.Headers.ContentType!.MediaType);
            Assert.Equal(Jpeg, await mine.Content.ReadAsByteArrayAsync());
        }

        using (var theirs = await fixture.Dashboard.Coordinator("dongqu").GetAsync($"/api/v1/visits/{visitId}/photos/p1"))
        {
            Assert.Equal(HttpStatusCode.OK, theirs.StatusCode);
        }

        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/visits/{visitId}/photos/p1"), HttpStatusCode.Forbidden);
        await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/visits/{visitId}/photos/p1"), HttpStatusCode.Forbidden);
        var other = await fixture.Records.VolunteerAsync("dongqu");
        // Visit ids are per volunteer: another volunteer's visit with this id does not exist (issue 15, finding 3).
        await Expect(fixture.Dashboard.Volunteer(other).GetAsync($"/api/v1/visits/{visitId}/photos/p1"), HttpStatusCode.NotFound);
        await Expect(fixture.Dashboard.Volunteer(other).PutAsync($"/api/v1/visits/{visitId}/photos/p2", Image(Jpeg)), HttpStatusCode.NotFound);
        await Expect(phone.GetAsync($"/api/v1/visits/{visitId}/photos/nope"), HttpStatusCode.NotFound);

        // Refused uploads answer problem+json and store nothing.
        var text = new ByteArrayContent("not a photo"u8.ToArray());
        text.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        await Refused(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p3", text), HttpStatusCode.BadRequest, "photo");
        await Refused(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p4", Image("GIF89a-not-jpeg"u8.ToArray())), HttpStatusCode.BadRequest, "photo");
        var max = fixture.Dashboard.Get<Microsoft.Extensions.Options.IOptions<PhotoOptions>>().Value.MaxBytes;
        var oversized = new byte[max + 1];
        Jpeg.CopyTo(oversized, 0);
        await Refused(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p5", Image(oversized)), HttpStatusCode.RequestEntityTooLarge, null);
        Assert.Equal(1, await fixture.Dashboard.Get<PhotoStore>().CountAsync(new VisitKey(paired.VolunteerId, visitId).ToString(), CancellationToken.None));

        for (var i = 2; i <= 6; i++)
        {
            await Expect(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p{i}", Image(Jpeg)), HttpStatusCode.Created);
        }

        await Expect(phone.PutAsync($"/api/v1/visits/{visitId}/photos/p7", Image(Jpeg)), HttpStatusCode.Conflict);
        Assert.Equal(6, await fixture.Dashboard.Get<PhotoStore>().CountAsync(new VisitKey(paired.VolunteerId, visitId).ToString(), CancellationToken.None));
    }

    [Fact]
    public async Task Observations_in_the_service_record_raise_visitAttention_for_the_districts_watchers()
    {
        var paired = await fixture.Records.PairedAsync("nanqu");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        var body = new { observations = new[] { new { kind = "health", note = "咳嗽几天了" }, new { kind = "homeSafety", note = "煤气管老化" } }, notes = "建议复诊" };
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/record", body), HttpStatusCode.NotFound);

        var attention = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var hub = fixture.Dashboard.Hub(fixture.Dashboard.Token("coord-nanqu", "coordinator", "nanqu"));
        hub.On<JsonElement>("visitAttention", e =>
        {
            if (e.GetProperty("visitId").GetString() == visitId)
            {
                attention.TrySetResult(e);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync("Watch", "nanqu");
        await DashboardRegistered();

        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId)), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        await Refused(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/record", new { observations = new[] { new { kind = "weather", note = "" } } }), HttpStatusCode.BadRequest, "observations[0].kind");
        var other = await fixture.Records.VolunteerAsync("nanqu");
        await Expect(fixture.Dashboard.Volunteer(other).PostAsJsonAsync($"/api/v1/visits/{visitId}/record", body), HttpStatusCode.NotFound);

        var record = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/record", body), HttpStatusCode.Created);
        Assert.Equal(2, record["observations"]!.AsArray().Count);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/record", body), HttpStatusCode.OK);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/record", new { notes = "改了" }), HttpStatusCode.Conflict);

        var seen = await attention.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(paired.HouseholdId, seen.GetProperty("householdId").GetString());
        Assert.Equal("health", seen.GetProperty("observations")[0].GetProperty("kind").GetString());
        await Expect(fixture.Dashboard.Coordinator("nanqu").GetAsync($"/api/v1/visits/{visitId}/record"), HttpStatusCode.OK);
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/visits/{visitId}/record"), HttpStatusCode.Forbidden);

        var me = await Expect(phone.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/me"), HttpStatusCode.OK);
        var recent = Assert.Single(me["recentVisits"]!.AsArray());
        Assert.Equal(visitId, recent!["visitId"]!.GetValue<string>());
        Assert.Equal("checkedOut", recent["status"]!.GetValue<string>());
        Assert.Equal(1, me["nextStar"]!["level"]!.GetValue<int>());
    }

    [Fact]
    public async Task Me_lists_a_coordinators_back_fill_from_the_ledger_and_links_the_certificate_pdf()
    {
        var paired = await fixture.Records.PairedAsync("xiqu");
        var at = DateTimeOffset.UtcNow.AddDays(-5);
        var visitId = NewId("visit");
        var backfill = new
        {
            volunteerId = paired.VolunteerId,
            householdId = paired.HouseholdId,
            needId = paired.NeedId,
            checkedInAt = at,
            checkedOutAt = at.AddHours(1),
            services = new[] { "elderly-visit" },
            reason = "义工手机没电，电话报备",
        };
        await Expect(fixture.Dashboard.Coordinator("xiqu").PostAsJsonAsync($"/api/v1/visits/{visitId}/backfill", backfill), HttpStatusCode.Created);

        var me = await Expect(fixture.Dashboard.Volunteer(paired.VolunteerId).GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/me"), HttpStatusCode.OK);

        var recent = Assert.Single(me["recentVisits"]!.AsArray(), v => v!["visitId"]!.GetValue<string>() == visitId)!;
        Assert.Equal("certified", recent["status"]!.GetValue<string>());
        var certificateUrl = me["certificateUrl"]!.GetValue<string>();
        Assert.EndsWith("/certificate.pdf", certificateUrl, StringComparison.Ordinal);
        using var pdf = await fixture.Dashboard.Volunteer(paired.VolunteerId).GetAsync(certificateUrl);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_volunteer_edits_only_their_own_availability()
    {
        var volunteer = await fixture.Records.VolunteerAsync("huoju");
        var phone = fixture.Dashboard.Volunteer(volunteer);
        var slots = new { availability = new[] { new { day = "saturday", start = "14:00", end = "17:00" } } };

        var me = await Expect(phone.PutAsJsonAsync($"/api/v1/volunteers/{volunteer}/availability", slots), HttpStatusCode.OK);

        Assert.Equal("saturday", me["availability"]![0]!["day"]!.GetValue<string>());
        var record = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{volunteer}"), HttpStatusCode.OK);
        Assert.Equal("14:00", record["availability"]![0]!["start"]!.GetValue<string>());
        Assert.Equal("陈小明", record["name"]!.GetValue<string>());
        await Refused(phone.PutAsJsonAsync($"/api/v1/volunteers/{volunteer}/availability", new { availability = new[] { new { day = "someday", start = "14:00", end = "13:00" } } }), HttpStatusCode.BadRequest, null);
        var other = await fixture.Records.VolunteerAsync("huoju");
        await Expect(fixture.Dashboard.Volunteer(other).PutAsJsonAsync($"/api/v1/volunteers/{volunteer}/availability", slots), HttpStatusCode.Forbidden);
        await Expect(fixture.Dashboard.Coordinator("huoju").PutAsJsonAsync($"/api/v1/volunteers/{volunteer}/availability", slots), HttpStatusCode.Forbidden);
        await Expect(fixture.Dashboard.Volunteer(other).GetAsync($"/api/v1/volunteers/{volunteer}/me"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task The_household_placard_is_printed_by_coordinators_and_proves_presence_only_at_its_household()
    {
        var paired = await fixture.Records.PairedAsync("xiqu");
        var elsewhere = await fixture.Records.HouseholdAsync("xiqu");
        var codes = fixture.Dashboard.Get<PlacardCodes>();
        using (var svg = await fixture.Dashboard.Coordinator("xiqu").GetAsync($"/api/v1/households/{paired.HouseholdId}/placard.svg"))
        {
            Assert.Equal(HttpStatusCode.OK, svg.StatusCode);
            Assert.Contains("<svg", await svg.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        await Expect(phone.GetAsync($"/api/v1/households/{paired.HouseholdId}/placard.svg"), HttpStatusCode.Forbidden);
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/households/{paired.HouseholdId}/placard.svg"), HttpStatusCode.Forbidden);
        var visitId = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId)), HttpStatusCode.Created);

        await Refused(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/placard", new { code = codes.CodeFor(elsewhere) }), HttpStatusCode.BadRequest, "code");
        await Refused(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/placard", new { code = codes.CodeFor(paired.HouseholdId)[..^2] + "xx" }), HttpStatusCode.BadRequest, "code");
        var record = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/placard", new { code = codes.CodeFor(paired.HouseholdId) }), HttpStatusCode.Created);

        Assert.True(record["placardVerifiedAt"]!.GetValue<DateTimeOffset>() > DateTimeOffset.UtcNow.AddMinutes(-5));
    }

    [Fact]
    public async Task A_resident_orders_for_their_household_sees_who_is_coming_rates_the_visit_and_nothing_else()
    {
        var household = await fixture.Records.HouseholdAsync("gangkou");
        var volunteer = await fixture.Records.VolunteerAsync("gangkou");
        await Expect(fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "r-1", role = "resident" }), HttpStatusCode.BadRequest);
        await Expect(fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "r-1", role = "resident", household = "h-none" }), HttpStatusCode.BadRequest);
        var minted = await Expect(fixture.Dashboard.CreateClient().PostAsJsonAsync("/api/v1/dev/token", new { sub = "r-" + household, role = "resident", household }), HttpStatusCode.OK);
        var resident = fixture.Dashboard.CreateClient();
        resident.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", minted["token"]!.GetValue<string>());

        var (start, end) = MondayMorning();
        await Refused(resident.PostAsJsonAsync("/api/v1/resident/orders", new { itemId = "no-such-item", windowStart = start, windowEnd = end }), HttpStatusCode.BadRequest, "itemId");
        var order = await Expect(resident.PostAsJsonAsync("/api/v1/resident/orders", new { itemId = "elderly-visit", windowStart = start, windowEnd = end, notes = "想有人陪聊" }), HttpStatusCode.Created);
        var orderId = order["orderId"]!.GetValue<string>();
        var phone = fixture.Dashboard.Volunteer(volunteer);
        await Expect(phone.PostAsync($"/api/v1/orders/{orderId}/claim", null), HttpStatusCode.OK);

        var home = await Expect(resident.GetAsync("/api/v1/resident/home"), HttpStatusCode.OK);
        var mine = Assert.Single(home["orders"]!.AsArray());
        Assert.Equal("claimed", mine!["status"]!.GetValue<string>());
        Assert.Equal("陈**", mine["volunteerName"]!.GetValue<string>());
        Assert.DoesNotContain("陈小明", home.ToJsonString(), StringComparison.Ordinal);

        var visitId = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(household, orderId)), HttpStatusCode.Created);
        await Expect(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 4 }), HttpStatusCode.Conflict);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        await Refused(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 6 }), HttpStatusCode.BadRequest, "satisfaction");
        await Expect(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 4, comment = "很耐心" }), HttpStatusCode.Created);
        // One rating per visit: rating again replaces it (RatingsBoundTests covers the figure and the list).
        await Expect(resident.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 5 }), HttpStatusCode.OK);

        var rated = await Expect(resident.GetAsync("/api/v1/resident/home"), HttpStatusCode.OK);
        Assert.Equal(5, rated["orders"]![0]!["satisfaction"]!.GetValue<int>());
        var record = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/volunteers/{volunteer}"), HttpStatusCode.OK);
        Assert.Equal(5, record["averageRating"]!.GetValue<double>());
        var satisfaction = await Expect(fixture.Dashboard.Coordinator("gangkou").GetAsync("/api/v1/districts/gangkou/satisfaction"), HttpStatusCode.OK);
        Assert.True(satisfaction["ratings"]!.GetValue<int>() >= 1);
        await Expect(fixture.Dashboard.Coordinator("shiqi").GetAsync("/api/v1/districts/gangkou/satisfaction"), HttpStatusCode.Forbidden);

        // Another household's resident may not rate it; a resident reaches nothing but their own routes and the catalogue.
        var neighbour = await fixture.Records.HouseholdAsync("gangkou");
        var stranger = fixture.Dashboard.CreateClient();
        stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer",
            fixture.Dashboard.Get<Security.TokenSigning>().Issue("r-n", "resident", [], household: neighbour).Token);
        await Expect(stranger.PostAsJsonAsync($"/api/v1/resident/visits/{visitId}/rating", new { satisfaction = 5 }), HttpStatusCode.Forbidden);
        await Expect(resident.GetAsync("/api/v1/catalogue"), HttpStatusCode.OK);
        foreach (var path in new[] { "/api/v1/districts", $"/api/v1/households/{household}", $"/api/v1/orders/{orderId}", $"/api/v1/visits/{visitId}", "/api/v1/districts/gangkou/orders", $"/api/v1/volunteers/{volunteer}", "/hubs/dashboard/negotiate?negotiateVersion=1" })
        {
            var response = path.StartsWith("/hubs", StringComparison.Ordinal) ? await resident.PostAsync(path, null) : await resident.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{path}: {(int)response.StatusCode}");
        }

        await Expect(resident.PostAsJsonAsync("/api/v1/orders", new { householdId = household, itemId = "elderly-visit", windowStart = start, windowEnd = end }), HttpStatusCode.Forbidden);
        await Expect(resident.PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/check-in", CheckIn(household)), HttpStatusCode.Forbidden);
        await Expect(resident.GetAsync($"/api/v1/volunteers/{volunteer}/today"), HttpStatusCode.Forbidden);
        await Expect(fixture.Dashboard.Volunteer(volunteer).GetAsync("/api/v1/resident/home"), HttpStatusCode.Forbidden);
    }

    private static ByteArrayContent Image(byte[] bytes, string type = "image/jpeg")
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue(type);
        return content;
    }

    private static async Task Refused(Task<HttpResponseMessage> request, HttpStatusCode status, string? field)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        if (field is not null)
        {
            Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
        }
    }

    /// <summary>10:00–11:00 next Monday in Zhongshan: inside the test volunteers' free slot (Monday 9–12).</summary>
    private static (DateTimeOffset Start, DateTimeOffset End) MondayMorning()
    {
        var local = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var days = ((int)DayOfWeek.Monday - (int)local.DayOfWeek + 7) % 7;
        var start = new DateTimeOffset(local.Date.AddDays(days == 0 ? 7 : days).AddHours(10), TimeSpan.FromHours(8));
        return (start, start.AddHours(1));
    }

    private async Task DashboardRegistered()
    {
        var registry = fixture.Silo.Grains.GetGrain<IDashboardHostRegistryGrain>(0);
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while ((await registry.GetHosts()).IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "The dashboard never registered for live events.");
            await Task.Delay(50);
        }
    }
}
