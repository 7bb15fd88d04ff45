using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Microsoft.AspNetCore.SignalR.Client;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Finding 6: every read of personal data and every denied access is in the audit log before the answer leaves.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AuditTests(DashboardFixture fixture)
{
    [Fact]
    public async Task Reads_of_personal_data_and_denied_accesses_are_stored_before_the_answer()
    {
        var paired = await fixture.Records.PairedAsync("wuguishan");
        var visitId = NewId("visit");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-30))), HttpStatusCode.Created);
        var sub = NewId("coord");
        var coordinator = fixture.Dashboard.ClientFor(sub, "coordinator", "wuguishan");
        var outsider = fixture.Dashboard.ClientFor(sub + "-x", "coordinator", "shiqi");

        await Expect(coordinator.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}"), HttpStatusCode.OK);
        await Expect(coordinator.GetAsync($"/api/v1/visits/{visitId}"), HttpStatusCode.OK);
        using (var certificate = await coordinator.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}/certificate"))
        {
            Assert.Equal(HttpStatusCode.OK, certificate.StatusCode);
        }

        using (var export = await coordinator.GetAsync("/api/v1/districts/wuguishan/hours.csv"))
        {
            Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        }

        await Expect(outsider.GetAsync($"/api/v1/volunteers/{paired.VolunteerId}"), HttpStatusCode.Forbidden);
        // Refused by the route's policy (operators only) rather than by the handler.
        await Expect(outsider.GetAsync("/api/v1/operator/audit"), HttpStatusCode.Forbidden);

        // Read at once: each answer above left only after its entry was stored.
        var mine = await Rows(sub);
        Assert.Contains(mine, r => r.Action == "read" && r.Route == "/api/v1/volunteers/{volunteerId}" && r.ObjectId.Contains(paired.VolunteerId, StringComparison.Ordinal));
        Assert.Contains(mine, r => r.Action == "read" && r.Route == "/api/v1/visits/{visitId}" && r.ObjectId.Contains(visitId, StringComparison.Ordinal));
        Assert.Contains(mine, r => r.Action == "read" && r.Route == "/api/v1/volunteers/{volunteerId}/certificate");
        Assert.Contains(mine, r => r.Action == "read" && r.Route == "/api/v1/districts/{districtId}/hours.csv" && r.ObjectId.Contains("wuguishan", StringComparison.Ordinal));
        var denied = await Rows(sub + "-x");
        Assert.Contains(denied, r => r.Action == "denied" && r.Status == 403 && r.ObjectId.Contains(paired.VolunteerId, StringComparison.Ordinal));
        Assert.Contains(denied, r => r.Action == "denied" && r.Route == "/api/v1/operator/audit");
    }

    [Fact]
    public async Task Watching_another_districts_live_feed_is_a_denied_access_in_the_audit()
    {
        var sub = NewId("coord");
        await using var hub = fixture.Dashboard.Hub(fixture.Dashboard.Token(sub, "coordinator", "shiqi"));
        await hub.StartAsync();

        await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeAsync("Watch", "dongqu"));

        var rows = await Rows(sub);
        Assert.Contains(rows, r => r.Action == "denied" && r.Route == "/hubs/dashboard#Watch" && r.ObjectId == "dongqu");
    }

    [Fact]
    public async Task Operators_search_who_read_a_household_and_what_a_user_read()
    {
        var household = await fixture.Records.HouseholdAsync("wuguishan");
        var sub = NewId("coord");
        await Expect(fixture.Dashboard.ClientFor(sub, "coordinator", "wuguishan").GetAsync($"/api/v1/households/{household}"), HttpStatusCode.OK);
        var operatorClient = fixture.Dashboard.Operator();

        var whoRead = (JsonArray)await Expect(operatorClient.GetAsync($"/api/v1/operator/audit?objectId={household}&action=read"), HttpStatusCode.OK);
        var entry = Assert.Single(whoRead);
        Assert.Equal(sub, entry!["sub"]!.GetValue<string>());
        Assert.Equal("/api/v1/households/{householdId}", entry["route"]!.GetValue<string>());

        var whatRead = (JsonArray)await Expect(operatorClient.GetAsync($"/api/v1/operator/audit?sub={sub}"), HttpStatusCode.OK);
        Assert.Contains(whatRead, e => e!["objectId"]!.GetValue<string>().Contains(household, StringComparison.Ordinal));

        await Expect(operatorClient.GetAsync("/api/v1/operator/audit?from=2026-01-01&to=2026-03-01"), HttpStatusCode.BadRequest);
        await Expect(fixture.Dashboard.Coordinator("wuguishan").GetAsync("/api/v1/operator/audit"), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_read_whose_audit_entry_cannot_be_stored_is_not_answered()
    {
        // A table name storage refuses: every audit write fails, as when the audit table is unreachable.
        var unaudited = fixture.NewDashboard(new Dictionary<string, string?> { ["Storage:AuditTable"] = "bad-audit-table" });
        var household = await fixture.Records.HouseholdAsync("wuguishan");

        using var response = await unaudited.Coordinator("wuguishan").GetAsync($"/api/v1/households/{household}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.DoesNotContain("黄伯", body, StringComparison.Ordinal);
    }

    private sealed record Row(string Action, string Route, string ObjectId, int Status);

    private async Task<List<Row>> Rows(string sub)
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Settings["Storage:AuditTable"]);
        var rows = new List<Row>();
        await foreach (var e in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Sub eq {sub}")))
        {
            rows.Add(new Row(e.GetString("Action"), e.GetString("Route"), e.GetString("ObjectId"), e.GetInt32("Status") ?? 0));
        }

        return rows;
    }
}
