using System.Net;
using System.Net.Http.Json;
using Boai.Orleans.MonthEnd;
using Boai.Orleans.Rules;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
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
        // In the service's current month, which the reports default to (an hour ago may be last month in Shanghai).
        var (start, length) = ServiceMonth.Visits(1, TimeSpan.FromMinutes(60), TimeSpan.Zero)[0];
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(household, need, start)), HttpStatusCode.Created);
        var done = await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(start + length)), HttpStatusCode.OK);
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
    public async Task A_past_months_report_reads_coverage_and_satisfaction_kept_at_its_end_and_the_current_month_reads_them_live()
    {
        const string district = "wuguishan"; // no other test writes to it
        var zone = TimeZones.Find("Asia/Shanghai");
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, zone);
        var thisMonth = new DateOnly(local.Year, local.Month, 1);
        var month = thisMonth.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await fixture.Records.HouseholdAsync(district);

        // This month, on today's clock: live figures.
        var coordinator = fixture.Dashboard.Coordinator(district);
        var live = await Expect(coordinator.GetAsync($"/api/v1/districts/{district}/reports/monthly?month={month}"), HttpStatusCode.OK);
        Assert.Equal("live", live["figuresSource"]!.GetValue<string>());
        var households = live["households"]!.GetValue<int>();
        Assert.True(households >= 1);

        // The clock kept this month's end (as SupervisionClockGrain does when the month turns).
        var kept = new MonthEndFigures(month, 0.42, 7, 9, 3, 4.5, 12, 0.25, DateTimeOffset.UtcNow);
        await fixture.Silo.Grains.GetGrain<IMonthEndGrain>(district).Record(kept);

        // A dashboard whose clock is in the next month: this month is past, and its report reads the month-end figures.
        var clock = new ShiftedTimeProvider();
        var nextMonth = new DateTimeOffset(thisMonth.AddMonths(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.FromHours(8));
        clock.Advance(nextMonth - DateTimeOffset.UtcNow);
        using var later = fixture.Dashboard.WithWebHostBuilder(b => b.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock)));
        using var client = later.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", fixture.Dashboard.Token("coord-later", "coordinator", district));

        var past = await Expect(client.GetAsync($"/api/v1/districts/{district}/reports/monthly?month={month}"), HttpStatusCode.OK);
        Assert.Equal("monthEnd", past["figuresSource"]!.GetValue<string>());
        Assert.Equal((0.42, 7, 3, 4.5), (past["coverage"]!.GetValue<double>(), past["households"]!.GetValue<int>(), past["uncoveredNeeds"]!.GetValue<int>(), past["satisfaction"]!.GetValue<double>()));
        Assert.Equal(kept.RecordedAt, past["figuresAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(12, past["registeredVolunteers"]!.GetValue<int>());

        // Its current month reads live figures; a past month nobody kept has none rather than today's.
        var current = await Expect(client.GetAsync($"/api/v1/districts/{district}/reports/monthly"), HttpStatusCode.OK);
        Assert.Equal(("live", households), (current["figuresSource"]!.GetValue<string>(), current["households"]!.GetValue<int>()));
        var unkept = await Expect(client.GetAsync($"/api/v1/districts/{district}/reports/monthly?month={thisMonth.AddMonths(-12):yyyy-MM}"), HttpStatusCode.OK);
        Assert.Null(unkept["coverage"]);
        Assert.Null(unkept["figuresSource"]);
        var city = await Expect(client.GetAsync($"/api/v1/reports/city?month={month}"), HttpStatusCode.OK);
        Assert.Equal(0.42, city["districts"]!.AsArray().Single(d => d!["districtId"]!.GetValue<string>() == district)!["coverage"]!.GetValue<double>());
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
