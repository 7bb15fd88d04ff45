namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>The page in a real browser (Debian's chromium, driven by playwright-core) against a real dashboard and silo.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_page_shows_every_district_and_live_check_ins_and_matches_a_fresh_snapshot_after_a_dropped_connection()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        var paired = await fixture.Records.PairedAsync("shiqi");
        var shot = Path.Combine(AppContext.BaseDirectory, "dashboard-page.png");

        var seen = await BrowserScript.RunAsync("dashboard-page.mjs", dashboard, new Dictionary<string, string>
        {
            ["VOLUNTEER_TOKEN"] = dashboard.Token(paired.VolunteerId, "volunteer"),
            ["HOUSEHOLD"] = paired.HouseholdId,
            ["NEED"] = paired.NeedId,
            ["VISIT1"] = Records.NewId("page"),
            ["SHOT"] = shot,
        });
        Assert.Equal(24, seen.GetProperty("districtCards").GetInt32());
        Assert.Equal(201, seen.GetProperty("checkIn").GetInt32());
        Assert.True(seen.GetProperty("feedShowedCheckIn").GetBoolean());
        Assert.True(seen.GetProperty("sawDisconnect").GetBoolean());
        Assert.Equal(200, seen.GetProperty("checkOut").GetInt32());
        Assert.Empty(seen.GetProperty("mismatches").EnumerateArray());
        Assert.True(File.Exists(shot));
    }
}
