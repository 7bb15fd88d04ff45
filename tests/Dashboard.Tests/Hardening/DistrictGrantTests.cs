using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Live;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using static Boai.Orleans.Dashboard.Tests.Records;

namespace Boai.Orleans.Dashboard.Tests.Hardening;

/// <summary>Finding 5's last part: a coordinator removed from a district loses it within minutes, not when the token ends.</summary>
[Collection(DashboardCollection.Name)]
public sealed class DistrictGrantTests(DashboardFixture fixture)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_removed_coordinator_is_refused_at_once_here_and_within_the_cache_bound_on_another_host()
    {
        var sub = NewId("coord-grant");
        var token = fixture.Dashboard.Token(sub, Roles.Coordinator, "shiqi", "dongqu");
        var clock = new ShiftedTimeProvider();
        await using var other = new DashboardFactory(fixture.Settings, fixture.Silo.GatewayPort).WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(clock)));
        var here = WithToken(fixture.Dashboard.CreateClient(), token);
        var there = WithToken(other.CreateClient(), token);
        await Expect(here.GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.OK);
        await Expect(there.GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.OK);

        var grant = await Expect(fixture.Dashboard.Operator().DeleteAsync($"/api/v1/operator/grants/{sub}/districts/shiqi"), HttpStatusCode.OK);

        Assert.True(grant["managed"]!.GetValue<bool>());
        Assert.DoesNotContain("shiqi", grant["districts"]!.AsArray().Select(d => d!.GetValue<string>()));
        Assert.Contains("dongqu", grant["districts"]!.AsArray().Select(d => d!.GetValue<string>()));
        // The host that made the change knows at once; the token still claims shiqi and lives on.
        await Expect(here.GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.Forbidden);
        await Expect(here.GetAsync("/api/v1/districts/dongqu/uncovered"), HttpStatusCode.OK);
        // Another host trusts what it read for at most Auth:GrantCacheDuration (1 minute).
        await Expect(there.GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.OK);
        clock.Advance(TimeSpan.FromMinutes(1));
        await Expect(there.GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.Forbidden);
        await Expect(there.GetAsync("/api/v1/districts/dongqu/uncovered"), HttpStatusCode.OK);

        // Granted again: works again with the same token.
        await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/operator/grants/{sub}", new { districts = new[] { "shiqi", "dongqu" } }), HttpStatusCode.OK);
        await Expect(here.GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Grants_change_only_through_operators_and_bad_bodies_name_the_field()
    {
        var sub = NewId("coord-grant");
        await Expect(fixture.Dashboard.Coordinator("shiqi").PutAsJsonAsync($"/api/v1/operator/grants/{sub}", new { districts = new[] { "shiqi" } }), HttpStatusCode.Forbidden);
        var invalid = await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/operator/grants/{sub}", new { districts = new[] { "nowhere" } }), HttpStatusCode.BadRequest);
        Assert.NotNull(invalid["errors"]!["districts[0]"]);
        var missing = await Expect(fixture.Dashboard.Operator().PutAsJsonAsync($"/api/v1/operator/grants/{sub}", new { }), HttpStatusCode.BadRequest);
        Assert.NotNull(missing["errors"]!["districts"]);
        await Expect(fixture.Dashboard.Operator().DeleteAsync($"/api/v1/operator/grants/{sub}/districts/nowhere"), HttpStatusCode.NotFound);

        var untouched = await Expect(fixture.Dashboard.Operator().GetAsync($"/api/v1/operator/grants/{sub}"), HttpStatusCode.OK);
        Assert.False(untouched["managed"]!.GetValue<bool>());
        await Expect(fixture.Dashboard.ClientFor(sub, Roles.Coordinator, "shiqi").GetAsync("/api/v1/districts/shiqi/uncovered"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_removed_coordinators_hub_connection_is_closed_and_cannot_watch_the_district_again()
    {
        const string removed = "xiaolan";
        const string kept = "huangpu";
        var lost = await fixture.Records.PairedAsync(removed);
        var still = await fixture.Records.PairedAsync(kept);
        await DashboardRegistered();
        var sub = NewId("coord-grant");
        var token = fixture.Dashboard.Token(sub, Roles.Coordinator, removed, kept);

        var events = new CheckIns();
        var first = await Watching(token, events, removed, kept);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        first.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        var before = await CheckInAsync(lost);
        await events.Seen(before).WaitAsync(Wait);

        await Expect(fixture.Dashboard.Operator().DeleteAsync($"/api/v1/operator/grants/{sub}/districts/{removed}"), HttpStatusCode.OK);

        // Closed by the host before the operator's answer came back.
        await closed.Task.WaitAsync(Wait);
        await using var again = await Watching(token, events, kept);
        await Assert.ThrowsAsync<HubException>(() => again.InvokeAsync("Watch", removed));
        Assert.Equal([kept], await again.InvokeAsync<string[]>("WatchAll"));
        var lostVisit = await CheckInAsync(lost);
        var keptVisit = await CheckInAsync(still);
        await events.Seen(keptVisit).WaitAsync(Wait);
        Assert.False(events.Seen(lostVisit).IsCompleted);
        await first.DisposeAsync();
    }

    [Fact]
    public async Task Another_hosts_sweep_closes_the_connection_of_a_removed_coordinator()
    {
        var sub = NewId("coord-grant");
        var other = fixture.NewDashboard();
        var token = other.Token(sub, Roles.Coordinator, "nanlang", "wuguishan");
        await using var hub = other.Hub(token);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hub.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await hub.StartAsync();
        await hub.InvokeAsync("Watch", "nanlang");

        await Expect(fixture.Dashboard.Operator().DeleteAsync($"/api/v1/operator/grants/{sub}/districts/nanlang"), HttpStatusCode.OK);
        // What the other host's timer does every Auth:GrantCheckInterval (30 s), run now.
        Assert.Equal(1, await other.Get<HubGrantWatch>().SweepAsync());

        await closed.Task.WaitAsync(Wait);
    }

    private static HttpClient WithToken(HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> CheckInAsync(Paired paired)
    {
        var visitId = NewId("visit");
        await Expect(fixture.Dashboard.Volunteer(paired.VolunteerId).PostAsJsonAsync($"/api/v1/visits/{visitId}/check-in", CheckIn(paired.HouseholdId, paired.NeedId)), HttpStatusCode.Created);
        // The visit stays open: close it so the volunteer may start another elsewhere.
        await Expect(fixture.Dashboard.Volunteer(paired.VolunteerId).PostAsJsonAsync($"/api/v1/visits/{visitId}/check-out", CheckOut()), HttpStatusCode.OK);
        return visitId;
    }

    private async Task<HubConnection> Watching(string token, CheckIns events, params string[] districts)
    {
        var hub = fixture.Dashboard.Hub(token);
        hub.On<JsonElement>("visitCheckedIn", payload => events.Arrived(payload.GetProperty("visitId").GetString()!));
        await hub.StartAsync();
        foreach (var district in districts)
        {
            await hub.InvokeAsync("Watch", district);
        }

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

    /// <summary>The live check-ins a hub connection received, awaitable by visit.</summary>
    private sealed class CheckIns
    {
        private readonly ConcurrentDictionary<string, TaskCompletionSource> _seen = new(StringComparer.Ordinal);

        public void Arrived(string visitId) => Of(visitId).TrySetResult();

        public Task Seen(string visitId) => Of(visitId).Task;

        private TaskCompletionSource Of(string visitId) => _seen.GetOrAdd(visitId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
    }
}
