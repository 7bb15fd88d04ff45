using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Boai.Orleans.Live;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

/// <summary>
/// Two silos and two dashboard instances clustered through Azure Table membership on a real Azurite, as production runs several of each: a
/// check-in handled by dashboard A reaches a browser on dashboard B once, and keeps reaching it while each silo in turn
/// is stopped and replaced (one of them always hosts the registry of dashboard hosts).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class FanOutTests(DashboardFixture fixture)
{
    private const string District = "xiaolan";
    private const int VisitsPerRound = 3;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(750);

    [Fact]
    public async Task A_check_in_through_one_dashboard_reaches_a_watcher_on_another_once_and_keeps_reaching_it_across_silo_restarts()
    {
        var settings = TestClusterSettings.Create(fixture.Azurite.ConnectionString);
        settings["Cluster:Mode"] = "AzureStorage";
        // Re-registration cannot rescue the feed within this test: the registry itself must survive a restart.
        var dashboardSettings = new Dictionary<string, string?> { ["Live:RegistrationInterval"] = "00:10:00" };

        var silos = new[] { await TestSilo.StartAsync(settings), await TestSilo.StartAsync(settings) };
        await using var silo1 = silos[0];
        await using var silo2 = silos[1];
        await using var dashboardA = Started(new DashboardFactory(settings, silo1.GatewayPort, dashboardSettings));
        await using var dashboardB = Started(new DashboardFactory(settings, silo2.GatewayPort, dashboardSettings));
        await BothDashboardsRegistered(silo1);

        var records = new Records(dashboardA);
        var paired = await records.PairedAsync(District);
        var phone = dashboardA.Volunteer(paired.VolunteerId);

        var checkIns = new ConcurrentDictionary<string, int>();
        var arrived = new ConcurrentDictionary<string, TaskCompletionSource>();
        await using var watcher = new HubConnectionBuilder()
            .WithUrl(new Uri(new Uri(BaseUrl(dashboardB)), "/hubs/dashboard"), o =>
                o.AccessTokenProvider = () => Task.FromResult<string?>(dashboardB.Token("coord-xiaolan", "coordinator", District)))
            .Build();
        watcher.On<JsonElement>("visitCheckedIn", payload =>
        {
            var visitId = payload.GetProperty("visitId").GetString()!;
            checkIns.AddOrUpdate(visitId, 1, (_, n) => n + 1);
            arrived.GetOrAdd(visitId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        });
        await watcher.StartAsync();
        await watcher.InvokeAsync("Watch", District);

        var posted = new List<string>();
        async Task RoundAsync(string name)
        {
            var round = new List<string>();
            for (var i = 0; i < VisitsPerRound; i++)
            {
                var visitId = NewId(name);
                round.Add(visitId);
                await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-20))), HttpStatusCode.Created);
                await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
            }

            foreach (var visitId in round)
            {
                var seen = arrived.GetOrAdd(visitId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                await seen.Task.WaitAsync(Wait).ConfigureAwait(false);
            }

            posted.AddRange(round);
        }

        await RoundAsync("before");

        // Each silo in turn: stopped (its activations, the registry's among them at some point, are gone) and replaced.
        await silo1.RestartAsync();
        await RoundAsync("after-first");
        await silo2.RestartAsync();
        await RoundAsync("after-second");

        await Task.Delay(Settle);
        Assert.Equal(posted.Order(), checkIns.Keys.Order());
        Assert.All(checkIns, c => Assert.Equal(1, c.Value));
    }

    private static DashboardFactory Started(DashboardFactory dashboard)
    {
        dashboard.UseKestrel(0);
        dashboard.StartServer();
        return dashboard;
    }

    private static string BaseUrl(DashboardFactory dashboard) =>
        dashboard.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task BothDashboardsRegistered(TestSilo silo)
    {
        var registry = silo.Grains.GetGrain<IDashboardHostRegistryGrain>(0);
        var deadline = Stopwatch.StartNew();
        while ((await registry.GetHosts()).Length < 2)
        {
            Assert.True(deadline.Elapsed < Wait, "The dashboards never registered for live events.");
            await Task.Delay(50);
        }
    }
}
