using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Boai.Orleans.Dashboard.Live;
using Boai.Orleans.Live;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests;

[Collection(DashboardCollection.Name)]
public sealed class LiveHubTests(DashboardFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public void The_hub_sends_to_each_connection_through_an_outbox_of_its_own()
    {
        // WatcherOutboxesTests: one connection that stops reading holds up no other; the tests here deliver through it.
        var manager = fixture.Dashboard.Services.GetRequiredService<HubLifetimeManager<DashboardHub>>();

        Assert.IsType<WatcherOutboxes<DashboardHub>>(manager);
    }

    [Fact]
    public async Task A_watcher_receives_a_check_in_made_through_the_api_exactly_once()
    {
        const string district = "huoju";
        var paired = await fixture.Records.PairedAsync(district);
        await DashboardRegistered();
        var events = new ConcurrentQueue<(string Kind, JsonElement Payload)>();
        var checkedOut = new TaskCompletionSource();
        var visitId = NewId("visit");

        await using var coordinator = await Watching(fixture.Dashboard.Token("coord-huoju", "coordinator", district), events, visitId, checkedOut, hub => hub.InvokeAsync("Watch", district));
        var operatorEvents = new ConcurrentQueue<(string Kind, JsonElement Payload)>();
        var operatorCheckedOut = new TaskCompletionSource();
        await using var operatorHub = await Watching(fixture.Dashboard.Token("op-live", "operator"), operatorEvents, visitId, operatorCheckedOut, async hub =>
        {
            // Watching a district and then everything still delivers each event once.
            await hub.InvokeAsync("Watch", district);
            await hub.InvokeAsync<string[]>("WatchAll");
        });

        var phone = fixture.Dashboard.Volunteer(paired.VolunteerId);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-15))), HttpStatusCode.Created);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId, DateTimeOffset.UtcNow.AddMinutes(-15))), HttpStatusCode.Conflict);
        await Expect(phone.PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);

        // Events of one household arrive in order: once the check-out is in, any second check-in would be too.
        await checkedOut.Task.WaitAsync(Wait);
        await operatorCheckedOut.Task.WaitAsync(Wait);
        foreach (var queue in new[] { events, operatorEvents })
        {
            var checkIns = queue.Where(e => e.Kind == "visitCheckedIn").Select(e => e.Payload).ToList();
            var checkIn = Assert.Single(checkIns);
            Assert.Equal(visitId, checkIn.GetProperty("visitId").GetString());
            Assert.Equal(paired.VolunteerId, checkIn.GetProperty("volunteerId").GetString());
            Assert.Equal(paired.HouseholdId, checkIn.GetProperty("householdId").GetString());
            Assert.Equal(district, checkIn.GetProperty("districtId").GetString());
            Assert.True(checkIn.TryGetProperty("at", out _));
            var checkOut = Assert.Single(queue, e => e.Kind == "visitCheckedOut").Payload;
            Assert.True(checkOut.GetProperty("hours").GetDouble() >= 0);
        }
    }

    private async Task<HubConnection> Watching(
        string token,
        ConcurrentQueue<(string, JsonElement)> events,
        string visitId,
        TaskCompletionSource checkedOut,
        Func<HubConnection, Task> watch)
    {
        var hub = fixture.Dashboard.Hub(token);
        foreach (var kind in new[] { "visitCheckedIn", "visitCheckedOut" })
        {
            hub.On<JsonElement>(kind, payload =>
            {
                if (payload.GetProperty("visitId").GetString() != visitId)
                {
                    return;
                }

                events.Enqueue((kind, payload));
                if (kind == "visitCheckedOut")
                {
                    checkedOut.TrySetResult();
                }
            });
        }

        await hub.StartAsync();
        await watch(hub);
        return hub;
    }

    /// <summary>The dashboard registers its observer in the background at startup: wait until the silo knows it.</summary>
    private async Task DashboardRegistered()
    {
        var registry = fixture.Silo.Grains.GetGrain<IDashboardHostRegistryGrain>(0);
        var deadline = DateTime.UtcNow + Wait;
        while ((await registry.GetHosts()).IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "The dashboard never registered for live events.");
            await Task.Delay(50);
        }
    }
}
