using System.Text.Json;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>The district plan view in a real browser against a real dashboard and silo.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PlanPageTests(DashboardFixture fixture)
{
    private const string District = "shaxi"; // used by no other test: the plan covers the whole district

    [Fact]
    public async Task The_plan_view_shows_a_proposal_for_each_need_and_accept_all_covers_them()
    {
        await using var dashboard = BrowserScript.StartDashboard(fixture);
        await fixture.Records.VolunteerAsync(District);
        await fixture.Records.VolunteerAsync(District, "王小红");
        var needs = new List<string>();
        for (var k = 0; k < 3; k++)
        {
            needs.Add(await fixture.Records.NeedAsync(await fixture.Records.HouseholdAsync(District)));
        }

        var shot = Path.Combine(AppContext.BaseDirectory, "plan-page.png");
        var seen = await BrowserScript.RunAsync("plan-page.mjs", dashboard, new Dictionary<string, string>
        {
            ["COORDINATOR_TOKEN"] = dashboard.Token("coord-shaxi", "coordinator", District),
            ["DISTRICT"] = District,
            ["NEEDS"] = JsonSerializer.Serialize(needs),
            ["SHOT"] = shot,
        });
        Assert.Equal(3, seen.GetProperty("proposals").GetInt32());
        Assert.Equal(needs.Order(StringComparer.Ordinal), seen.GetProperty("proposedNeeds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, seen.GetProperty("created").GetInt32());
        Assert.Contains("3", seen.GetProperty("acceptLabel").GetString());
        var uncovered = await Records.Expect(fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/districts/{District}/uncovered"), System.Net.HttpStatusCode.OK);
        Assert.DoesNotContain(uncovered.AsArray(), n => needs.Contains(n!["needId"]!.GetValue<string>()));
        Assert.True(File.Exists(shot));
    }
}
