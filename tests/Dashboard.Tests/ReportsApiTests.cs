using System.Net;
using System.Net.Http.Json;
using MiniExcelLibs;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class ReportsApiTests(DashboardFixture fixture)
{
    private const string District = "sanxiang";

    [Fact]
    public async Task Monthly_report_national_hours_and_recognition_come_from_the_ledgers_certified_visits()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var volunteerId = NewId("v");
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{volunteerId}", VolunteerBody(District, "司马光", "13511112222")), HttpStatusCode.Created);
        var household = await fixture.Records.HouseholdAsync(District);
        var need = await fixture.Records.NeedAsync(household);
        await fixture.Records.PairingAsync(volunteerId, household, need);
        var phone = fixture.Dashboard.Volunteer(volunteerId);
        var visitId = NewId("visit");
        var start = DateTimeOffset.UtcNow.AddMinutes(-70);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(household, need, start)), HttpStatusCode.Created);
        var done = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(start.AddMinutes(60))), HttpStatusCode.OK);
        await Expect(coordinator.PostAsync($"/api/v1/visits/{visitId}/certify", null), HttpStatusCode.OK);
        var hours = done["hours"]!.GetValue<double>();

        var report = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/reports/monthly"), HttpStatusCode.OK);
        Assert.True(report["visits"]!.GetValue<int>() >= 1);
        Assert.True(report["certifiedHours"]!.GetValue<double>() >= hours);
        Assert.True(report["days"]!.AsArray().Count >= 28);

        using var workbook = await coordinator.GetAsync($"/api/v1/districts/{District}/exports/national-hours.xlsx");
        Assert.Equal(HttpStatusCode.OK, workbook.StatusCode);
        using var stream = new MemoryStream(await workbook.Content.ReadAsByteArrayAsync());
        var rows = MiniExcel.Query(stream, useHeaderRow: true, excelType: ExcelType.XLSX).Cast<IDictionary<string, object?>>().ToList();
        var mine = Assert.Single(rows, r => Equals(r["备注"], volunteerId));
        Assert.Equal("司马光", mine["姓名"]);
        Assert.Equal(hours, Convert.ToDouble(mine["服务时长（小时）"], System.Globalization.CultureInfo.InvariantCulture));

        var recognition = await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/reports/recognition"), HttpStatusCode.OK);
        var listed = recognition["volunteers"]!.AsArray().Single(v => v!["volunteerId"]!.GetValue<string>() == volunteerId)!;
        Assert.Equal("司**", listed["maskedName"]!.GetValue<string>());
        Assert.Equal(hours, listed["certifiedHoursThisYear"]!.GetValue<double>());

        var city = await Expect(coordinator.GetAsync("/api/v1/reports/city"), HttpStatusCode.OK);
        Assert.Equal(24, city["districts"]!.AsArray().Count);
        Assert.Equal(Enumerable.Range(1, 24), city["districts"]!.AsArray().Select(d => d!["rank"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.BadRequest, (await coordinator.GetAsync("/api/v1/reports/city?month=2026-13")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await phone.GetAsync("/api/v1/reports/city")).StatusCode);
    }

    [Fact]
    public async Task District_exports_are_masked_unless_the_coordinator_asks_for_the_full_file()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        var volunteerId = NewId("v");
        await Expect(coordinator.PutAsJsonAsync($"/api/v1/volunteers/{volunteerId}", VolunteerBody(District, "诸葛孔明", "13633334444")), HttpStatusCode.Created);
        await fixture.Records.HouseholdAsync(District);

        var masked = await coordinator.GetStringAsync($"/api/v1/districts/{District}/exports/volunteers.csv");
        var full = await coordinator.GetStringAsync($"/api/v1/districts/{District}/exports/volunteers.csv?full=true");
        var households = await coordinator.GetStringAsync($"/api/v1/districts/{District}/exports/households.csv");
        var fullHouseholds = await coordinator.GetStringAsync($"/api/v1/districts/{District}/exports/households.csv?full=true");

        Assert.Contains(volunteerId, masked, StringComparison.Ordinal);
        Assert.DoesNotContain("诸葛孔明", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("13633334444", masked, StringComparison.Ordinal);
        Assert.Contains("136****4444", masked, StringComparison.Ordinal);
        Assert.Contains("诸葛孔明", full, StringComparison.Ordinal);
        Assert.Contains("13633334444", full, StringComparison.Ordinal);
        Assert.DoesNotContain("悦来南路", households, StringComparison.Ordinal);
        Assert.DoesNotContain("黄伯", households, StringComparison.Ordinal);
        Assert.Contains("悦来南路", fullHouseholds, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/{District}/exports/volunteers.csv?full=true")).StatusCode);
    }

    [Fact]
    public async Task Supervision_routes_show_a_districts_orders_to_its_coordinators_and_operators_only()
    {
        var coordinator = fixture.Dashboard.Coordinator(District);
        Assert.NotNull((await Expect(coordinator.GetAsync($"/api/v1/districts/{District}/supervision"), HttpStatusCode.OK)).AsArray());
        Assert.NotNull((await Expect(fixture.Dashboard.Operator().GetAsync("/api/v1/supervision"), HttpStatusCode.OK)).AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, (await fixture.Dashboard.Coordinator("shiqi").GetAsync($"/api/v1/districts/{District}/supervision")).StatusCode);
        var unknown = await coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/supervision/{District}~2020-01/response", new { actions = "组织探访", targetDate = "2099-01-01" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var invalid = await coordinator.PostAsJsonAsync($"/api/v1/districts/{District}/supervision/{District}~2020-01/response", new { actions = "", targetDate = "soon" });
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
    }
}
