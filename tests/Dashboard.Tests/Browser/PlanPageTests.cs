using System.Diagnostics;
using System.Text.Json;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>The district plan view in a real browser against a real dashboard and silo.</summary>
[Collection(DashboardCollection.Name)]
public sealed class PlanPageTests(DashboardFixture fixture)
{
    private const string District = "shaxi"; // used by no other test: the plan covers the whole district

    [Fact]
    public async Task The_plan_view_shows_a_proposal_for_each_need_and_accept_all_covers_them()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: ./test.sh installs it");
        await using var dashboard = new DashboardFactory(fixture.Settings, fixture.Silo.GatewayPort);
        dashboard.UseKestrel(0);
        dashboard.StartServer();
        var baseUrl = dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        await fixture.Records.VolunteerAsync(District);
        await fixture.Records.VolunteerAsync(District, "王小红");
        var needs = new List<string>();
        for (var k = 0; k < 3; k++)
        {
            needs.Add(await fixture.Records.NeedAsync(await fixture.Records.HouseholdAsync(District)));
        }

        var shot = Path.Combine(AppContext.BaseDirectory, "plan-page.png");
        var start = new ProcessStartInfo("node", Path.Combine(AppContext.BaseDirectory, "Browser", "plan-page.mjs"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BOAI_ROOT"] = RepositoryRoot.Find(),
                ["BASE"] = baseUrl,
                ["COORDINATOR_TOKEN"] = dashboard.Token("coord-shaxi", "coordinator", District),
                ["DISTRICT"] = District,
                ["NEEDS"] = JsonSerializer.Serialize(needs),
                ["SHOT"] = shot,
            },
        };
        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.False(seen.TryGetProperty("error", out var error), $"{error} {errors}");
        Assert.Equal(3, seen.GetProperty("proposals").GetInt32());
        Assert.Equal(needs.Order(StringComparer.Ordinal), seen.GetProperty("proposedNeeds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(3, seen.GetProperty("created").GetInt32());
        Assert.Contains("3", seen.GetProperty("acceptLabel").GetString());
        var uncovered = await Records.Expect(fixture.Dashboard.Coordinator(District).GetAsync($"/api/v1/districts/{District}/uncovered"), System.Net.HttpStatusCode.OK);
        Assert.DoesNotContain(uncovered.AsArray(), n => needs.Contains(n!["needId"]!.GetValue<string>()));
        Assert.True(File.Exists(shot));
    }
}
