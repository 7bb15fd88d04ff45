using System.Net;
using System.Net.Http.Json;
using Boai.Orleans.MonthEnd;
using Boai.Orleans.Rules;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>The report page (/reports/) in a real browser against a real dashboard and silo.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ReportsPageTests(DashboardFixture fixture)
{
    private const string District = "henglan";

    [Fact]
    public async Task The_report_page_renders_the_monthly_report_and_city_ranking_with_their_charts()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var paired = await fixture.Records.PairedAsync(District);
        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        var coordinator = fixture.Dashboard.Coordinator(District);
        // In the service's current month, which the page opens on (an hour ago may be last month in Shanghai).
        foreach (var (start, length) in ServiceMonth.Visits(2, TimeSpan.FromMinutes(45), TimeSpan.FromMinutes(60)))
        {
            var visitId = NewId("rep");
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, start)), HttpStatusCode.Created);
            await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut(start + length)), HttpStatusCode.OK);
            await Expect(coordinator.PostAsync($"/api/v1/visits/{visitId}/certify", null), HttpStatusCode.OK);
        }

        // Last month's end as the supervision clock keeps it (MonthEndGrain), to show a past month's report.
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZones.Find("Asia/Shanghai"));
        var thisMonth = new DateOnly(local.Year, local.Month, 1);
        var keptMonth = thisMonth.AddMonths(-1).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        await fixture.Silo.Grains.GetGrain<IMonthEndGrain>(District).Record(new MonthEndFigures(keptMonth, 0.42, 5, 6, 3, 4.6, 8, 0.375, new DateTimeOffset(thisMonth.ToDateTime(new TimeOnly(0, 3)), TimeSpan.FromHours(8))));

        var shots = new[] { "reports-zh.png", "reports-en.png", "reports-phone.png", "reports-kept-zh.png", "reports-kept-en.png", "reports-kept-phone.png" }.Select(s => Path.Combine(AppContext.BaseDirectory, s)).ToArray();
        var seen = await BrowserScript.RunAsync("reports-page.mjs", dashboard, new Dictionary<string, string>
        {
            ["COORDINATOR_TOKEN"] = dashboard.Token("coord-henglan", "coordinator", District),
            ["DISTRICT"] = District,
            ["SHOT_ZH"] = shots[0],
            ["SHOT_EN"] = shots[1],
            ["SHOT_PHONE"] = shots[2],
            ["SHOT_KEPT_ZH"] = shots[3],
            ["SHOT_KEPT_EN"] = shots[4],
            ["SHOT_KEPT_PHONE"] = shots[5],
            ["KEPT_MONTH"] = keptMonth,
            ["UNKEPT_MONTH"] = thisMonth.AddMonths(-14).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture),
        });

        Assert.Empty(seen.GetProperty("failures").EnumerateArray());
        foreach (var chart in seen.GetProperty("charts").EnumerateArray())
        {
            Assert.True(chart.GetProperty("points").GetInt32() > 0, chart.ToString());
            Assert.True(chart.GetProperty("inked").GetInt32() > 1000, chart.ToString());
        }

        Assert.Equal(9, seen.GetProperty("tiles").GetInt32());
        Assert.Equal(24, seen.GetProperty("rankingRows").GetInt32());
        Assert.Contains("横栏", seen.GetProperty("title").GetString());
        Assert.Contains("Henglan", seen.GetProperty("englishTitle").GetString());
        Assert.True(int.Parse(seen.GetProperty("visitsTile").GetString()!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
        Assert.False(seen.GetProperty("phoneOverflow").GetBoolean());
        Assert.Equal("live", seen.GetProperty("liveNote").GetString());
        var kept = seen.GetProperty("kept");
        Assert.Equal(("monthEnd", "42%"), (kept.GetProperty("source").GetString(), kept.GetProperty("coverage").GetString()));
        Assert.Contains("月末记录", kept.GetProperty("text").GetString());
        Assert.Contains("month end", seen.GetProperty("keptEn").GetProperty("text").GetString());
        var unkept = seen.GetProperty("unkept");
        Assert.Equal(("none", "暂无"), (unkept.GetProperty("source").GetString(), unkept.GetProperty("coverage").GetString()));
        Assert.All(shots, s => Assert.True(File.Exists(s)));
    }
}
