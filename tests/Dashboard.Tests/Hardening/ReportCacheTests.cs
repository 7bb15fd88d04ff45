using System.Net;
using System.Net.Http.Json;
using System.Text;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Finding 4: the district month report is computed once per period.</summary>
[Collection(DashboardCollection.Name)]
public sealed class ReportCacheTests(DashboardFixture fixture)
{
    private const string District = "gangkou"; // no other dashboard test pairs here: the plan tests count a district's volunteers

    [Fact]
    public async Task The_hours_report_is_computed_once_per_cache_period()
    {
        var cached = fixture.NewDashboard(new Dictionary<string, string?> { ["Reports:CacheDuration"] = "00:10:00" });
        var coordinator = cached.Coordinator(District);
        var at = DateTimeOffset.UtcNow.AddHours(-3);
        var month = at.ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var first = await Csv(coordinator, month);
        var paired = await fixture.Records.PairedAsync(District);
        var volunteer = paired.VolunteerId;
        var backfill = new
        {
            volunteerId = volunteer,
            householdId = paired.HouseholdId,
            needId = paired.NeedId,
            checkedInAt = at,
            checkedOutAt = at.AddHours(1),
            services = new[] { "elderly-visit" },
            reason = "义工手机没电，电话报备",
        };
        await Expect(fixture.Dashboard.Coordinator(District).PostAsJsonAsync($"/api/v1/visits/{NewId("visit")}/backfill", backfill), HttpStatusCode.Created);

        Assert.Equal(first, await Csv(coordinator, month));
        Assert.DoesNotContain(volunteer, first, StringComparison.Ordinal);
        // Without the cache (the shared test dashboard) the same month shows the new visit at once.
        Assert.Contains(volunteer, await Csv(fixture.Dashboard.Coordinator(District), month), StringComparison.Ordinal);
    }

    private static async Task<string> Csv(HttpClient client, string month)
    {
        using var response = await client.GetAsync($"/api/v1/districts/{District}/hours.csv?month={month}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
    }
}
