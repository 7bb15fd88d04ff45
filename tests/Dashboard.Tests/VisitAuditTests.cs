using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Azure.Data.Tables;
using Boai.Orleans.Ledger;
using Boai.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>
/// A phone's new check-in or check-out is audited by a row of its own ledger append, so the phone waits for one storage
/// request; the operator's audit search finds it the moment the answer arrives. Everything else (a replay, a refusal)
/// is audited in the audit table as before.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class VisitAuditTests(DashboardFixture fixture)
{
    private const string CheckInRoute = "/api/v1/visits/{visitId}/check-in";
    private const string CheckOutRoute = "/api/v1/visits/{visitId}/check-out";

    [Fact]
    public async Task A_phones_new_steps_are_found_by_the_audit_search_and_leave_nothing_in_the_audit_table()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");

        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-30))), HttpStatusCode.Created);
        var checkedIn = Assert.Single(await SearchAsync($"objectId={visitId}"));
        Assert.Equal(CheckInRoute, checkedIn["route"]!.GetValue<string>());
        Assert.Equal(201, checkedIn["status"]!.GetValue<int>());

        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        var found = await SearchAsync($"objectId={visitId}");
        Assert.Equal([(CheckOutRoute, 200), (CheckInRoute, 201)], found.Select(e => (e["route"]!.GetValue<string>(), e["status"]!.GetValue<int>())));
        Assert.All(found, e =>
        {
            Assert.Equal(paired.VolunteerId, e["sub"]!.GetValue<string>());
            Assert.Equal("volunteer", e["role"]!.GetValue<string>());
            Assert.Equal("change", e["action"]!.GetValue<string>());
            Assert.Equal("POST", e["method"]!.GetValue<string>());
            Assert.Equal($"visitId={visitId}", e["objectId"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(e["traceId"]?.GetValue<string>()));
        });
        Assert.Equal(
            found.Select(e => e.ToJsonString()),
            (await SearchAsync($"sub={paired.VolunteerId}&action=change")).Where(e => e["objectId"]!.GetValue<string>() == $"visitId={visitId}").Select(e => e.ToJsonString()));

        // Both answers waited for their ledger append alone: the audit table has nothing of them.
        Assert.Empty(await AuditTableAsync(visitId));
    }

    [Fact]
    public async Task A_replayed_or_refused_step_is_audited_in_the_audit_table_as_before()
    {
        var paired = await fixture.Records.PairedAsync("shiqi");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        var at = DateTimeOffset.UtcNow.AddMinutes(-30);

        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, at)), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, at)), HttpStatusCode.OK);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, at.AddMinutes(-5))), HttpStatusCode.Conflict);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", new { services = new[] { "elderly-visit" } }), HttpStatusCode.BadRequest);
        await Expect(fixture.Dashboard.Coordinator("shiqi").PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId)), HttpStatusCode.Forbidden);

        var table = await AuditTableAsync(visitId);
        Assert.Equal(
            [(CheckInRoute, 200), (CheckInRoute, 403), (CheckInRoute, 409), (CheckOutRoute, 400)],
            table.Select(r => (r.GetString("Route"), r.GetInt32("Status") ?? 0)).Order());
        var searched = await SearchAsync($"objectId={visitId}");
        Assert.Equal(
            [(CheckInRoute, 200), (CheckInRoute, 201), (CheckInRoute, 403), (CheckInRoute, 409), (CheckOutRoute, 400)],
            searched.Select(e => (e["route"]!.GetValue<string>(), e["status"]!.GetValue<int>())).Order());
    }

    [Fact]
    public async Task A_check_in_whose_append_failed_leaves_no_ledger_audit_row_and_its_retry_is_audited_once()
    {
        var settings = TestClusterSettings.Create(fixture.Azurite.ConnectionString);
        await using var silo = await TestSilo.StartAsync(settings, s =>
        {
            s.Services.AddSingleton(sp => new FaultInjectingVisitLog(ActivatorUtilities.CreateInstance<AzureTableVisitLog>(sp)));
            s.Services.AddSingleton<IVisitLog>(sp => sp.GetRequiredService<FaultInjectingVisitLog>());
        });
        await using var dashboard = new DashboardFactory(settings, silo.GatewayPort);
        var paired = await new Records(dashboard).PairedAsync("shiqi");
        var phone = dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        var body = CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-30));
        var ledger = silo.Services.GetRequiredService<FaultInjectingVisitLog>();

        ledger.FailNextAppends();
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", body), HttpStatusCode.ServiceUnavailable);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Empty(await ledger.ReadAuditAsync(today, paired.VolunteerId));
        var afterFailure = await SearchAsync(dashboard, $"objectId={visitId}");

        ledger.Heal();
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", body), HttpStatusCode.Created);
        var stored = Assert.Single(await ledger.ReadAuditAsync(today, paired.VolunteerId));
        Assert.Equal((CheckInRoute, 201), (stored.Route, stored.Status));
        var found = await SearchAsync(dashboard, $"objectId={visitId}");
        Assert.Equal(afterFailure.Count + 1, found.Count);
        Assert.Single(found, e => e["status"]!.GetValue<int>() == 201);
    }

    private Task<List<JsonNode>> SearchAsync(string query) => SearchAsync(fixture.Dashboard, query);

    private static async Task<List<JsonNode>> SearchAsync(DashboardFactory dashboard, string query)
    {
        var found = await Expect(dashboard.Operator().GetAsync($"/api/v1/operator/audit?{query}"), HttpStatusCode.OK);
        return found.AsArray().Select(e => e!).ToList();
    }

    /// <summary>The audit table's entries naming the visit.</summary>
    private async Task<List<TableEntity>> AuditTableAsync(string visitId)
    {
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Settings["Storage:AuditTable"]);
        var rows = new List<TableEntity>();
        try
        {
            await foreach (var row in table.QueryAsync<TableEntity>())
            {
                if (row.GetString("ObjectId")?.Contains(visitId, StringComparison.Ordinal) == true)
                {
                    rows.Add(row);
                }
            }
        }
        catch (Azure.RequestFailedException ex) when (ex.Status == 404)
        {
            // The table is made with its first entry.
        }

        return rows;
    }
}
