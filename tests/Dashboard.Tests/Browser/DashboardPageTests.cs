using System.Diagnostics;
using System.Text.Json;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Boai.Orleans.Dashboard.Tests.Browser;

/// <summary>The page in a real browser (Debian's chromium, driven by playwright-core) against a real dashboard and silo.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardPageTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_page_shows_every_district_and_live_check_ins_and_matches_a_fresh_snapshot_after_a_dropped_connection()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: ./test.sh installs it");
        await using var dashboard = new DashboardFactory(fixture.Settings, fixture.Silo.GatewayPort);
        dashboard.UseKestrel(0);
        dashboard.StartServer();
        var baseUrl = dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var paired = await fixture.Records.PairedAsync("shiqi");
        var shot = Path.Combine(AppContext.BaseDirectory, "dashboard-page.png");

        var start = new ProcessStartInfo("node", Path.Combine(AppContext.BaseDirectory, "Browser", "dashboard-page.mjs"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BOAI_ROOT"] = RepositoryRoot.Find(),
                ["BASE"] = baseUrl,
                ["VOLUNTEER_TOKEN"] = dashboard.Token(paired.VolunteerId, "volunteer"),
                ["HOUSEHOLD"] = paired.HouseholdId,
                ["NEED"] = paired.NeedId,
                ["VISIT1"] = Records.NewId("page"),
                ["SHOT"] = shot,
            },
        };
        using var node = Process.Start(start)!;
        var output = await node.StandardOutput.ReadToEndAsync();
        var errors = await node.StandardError.ReadToEndAsync();
        await node.WaitForExitAsync();

        var seen = JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.False(seen.TryGetProperty("error", out var error), $"{error} {errors}");
        Assert.Equal(24, seen.GetProperty("districtCards").GetInt32());
        Assert.Equal(201, seen.GetProperty("checkIn").GetInt32());
        Assert.True(seen.GetProperty("feedShowedCheckIn").GetBoolean());
        Assert.True(seen.GetProperty("sawDisconnect").GetBoolean());
        Assert.Equal(200, seen.GetProperty("checkOut").GetInt32());
        Assert.Empty(seen.GetProperty("mismatches").EnumerateArray());
        Assert.True(File.Exists(shot));
    }
}
