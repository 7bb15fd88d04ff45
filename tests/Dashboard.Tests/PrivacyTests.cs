using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class PrivacyTests(DashboardFixture fixture)
{
    [Fact]
    public async Task District_lists_mask_volunteer_names()
    {
        var volunteer = await fixture.Records.VolunteerAsync("huangpu", "陈小明");

        await RecordsApiTests.Eventually(async () =>
        {
            var list = await Expect(fixture.Dashboard.Coordinator("huangpu").GetAsync("/api/v1/districts/huangpu/volunteers"), HttpStatusCode.OK);
            var entry = list.AsArray().SingleOrDefault(v => v!["volunteerId"]!.GetValue<string>() == volunteer);
            if (entry is null)
            {
                return false;
            }

            Assert.Equal("陈**", entry["name"]!.GetValue<string>());
            Assert.Null(entry["phone"]);
            return true;
        });
    }

    [Fact]
    public async Task Uncovered_csv_has_a_bom_and_neutralises_formulas()
    {
        var household = await fixture.Records.HouseholdAsync("nantou", "=HYPERLINK(\"http://x\",\"y\")");
        var need = await fixture.Records.NeedAsync(household);
        var coordinator = fixture.Dashboard.Coordinator("nantou");

        string? text = null;
        await RecordsApiTests.Eventually(async () =>
        {
            using var response = await coordinator.GetAsync("/api/v1/districts/nantou/uncovered.csv");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
            text = Encoding.UTF8.GetString(bytes[3..]);
            return text.Contains(need, StringComparison.Ordinal);
        });

        Assert.StartsWith("needId,householdId,community", text);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(",=HYPERLINK", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hours_csv_comes_from_the_ledger_with_masked_names()
    {
        var paired = await fixture.Records.PairedAsync("dongfeng");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var visitId = NewId("visit");
        // In the service's current month, which hours.csv defaults to (half an hour ago may be last month in Shanghai).
        var (start, length) = ServiceMonth.Visits(1, TimeSpan.FromMinutes(29), TimeSpan.Zero)[0];
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, start)), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(start + length)), HttpStatusCode.OK);
        var coordinator = fixture.Dashboard.Coordinator("dongfeng");

        string row = string.Empty;
        await RecordsApiTests.Eventually(async () =>
        {
            using var response = await coordinator.GetAsync("/api/v1/districts/dongfeng/hours.csv");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync())[3..]);
            row = text.Split("\r\n").FirstOrDefault(l => l.StartsWith(paired.VolunteerId, StringComparison.Ordinal)) ?? string.Empty;
            return row.Length > 0;
        });

        Assert.Contains(",陈**,", row, StringComparison.Ordinal);
        Assert.DoesNotContain("陈小明", row, StringComparison.Ordinal);
        await Expect(coordinator.GetAsync("/api/v1/districts/dongfeng/hours.csv?month=November"), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Reading_a_full_household_file_is_audited()
    {
        var household = await fixture.Records.HouseholdAsync("fusha");
        var coordinator = fixture.Dashboard.ClientFor("coord-audit", "coordinator", "fusha");

        var file = await Expect(coordinator.GetAsync($"/api/v1/households/{household}"), HttpStatusCode.OK);

        Assert.Equal("黄伯", file["members"]![0]!["name"]!.GetValue<string>());
        var table = new TableClient(fixture.Azurite.ConnectionString, fixture.Settings["Storage:AuditTable"]);
        TableEntity? row = null;
        await RecordsApiTests.Eventually(async () =>
        {
            try
            {
                await foreach (var entity in table.QueryAsync<TableEntity>(e => e.GetString("Sub") == "coord-audit"))
                {
                    if (entity.GetString("ObjectId").Contains(household, StringComparison.Ordinal))
                    {
                        row = entity;
                    }
                }
            }
            catch (Azure.RequestFailedException ex) when (ex.Status == 404)
            {
                // The table is made with the first entry.
            }

            return row is not null;
        });

        Assert.Equal("read", row!.GetString("Action"));
        Assert.Equal("coordinator", row.GetString("Role"));
        Assert.Equal("/api/v1/households/{householdId}", row.GetString("Route"));
        Assert.DoesNotContain(row, p => p.Value is string v && v.Contains("黄伯", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_certificate_counts_certified_visits_only_and_keeps_its_number()
    {
        var paired = await fixture.Records.PairedAsync("xiaolan");
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var coordinator = fixture.Dashboard.Coordinator("xiaolan");
        var certifiedVisit = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{certifiedVisit}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-60))), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{certifiedVisit}/check-out", CheckOut()), HttpStatusCode.OK);
        await Expect(coordinator.PostAsync($"/api/v1/visits/{certifiedVisit}/certify", null), HttpStatusCode.OK);
        var pendingVisit = NewId("visit");
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{pendingVisit}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-20))), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{pendingVisit}/check-out", CheckOut()), HttpStatusCode.OK);
        var today = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(8));
        var url = $"/api/v1/volunteers/{paired.VolunteerId}/certificate?from={today.AddDays(-7):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}";

        string html = string.Empty;
        await RecordsApiTests.Eventually(async () =>
        {
            using var response = await phone.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            html = await response.Content.ReadAsStringAsync();
            return html.Contains("（1 次服务）", StringComparison.Ordinal);
        });

        Assert.Contains("志愿服务证明", html, StringComparison.Ordinal);
        Assert.Contains("陈小明", html, StringComparison.Ordinal);
        Assert.Contains("小榄", html, StringComparison.Ordinal);
        Assert.Equal(html, await phone.GetStringAsync(url));
    }
}
