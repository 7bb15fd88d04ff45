using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Boai.Orleans.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Xunit.Abstractions;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// Two silos clustered through Azure Table membership on a real Azurite, two dashboards, phones checking in and out
/// through the HTTP API of one dashboard and a coordinator watching on the other. Each silo is restarted in turn, then
/// the storage account itself (membership, reminders and grain state): a phone that retries never sees a refusal, and
/// the watcher hears live events again within 30 s of each restart.
/// </summary>
public sealed class RollingRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string District = "xiaolan";
    private static readonly TimeSpan EventsBackWithin = TimeSpan.FromSeconds(30);

    private readonly AzuriteFixture _azurite = new();
    private readonly List<TestSilo> _silos = [];
    private DashboardFactory _phonesDashboard = null!;
    private DashboardFactory _watchersDashboard = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        var settings = TestClusterSettings.Create(_azurite.ConnectionString);
        settings["Cluster:Mode"] = "AzureStorage";
        _silos.Add(await TestSilo.StartAsync(settings));
        _silos.Add(await TestSilo.StartAsync(settings));
        // The load here is a few phones visiting back to back, far above one volunteer's rate limit.
        _phonesDashboard = new DashboardFactory(settings, _silos[0].GatewayPort, new Dictionary<string, string?>
        {
            ["RateLimits:Visits:TokenLimit"] = "10000",
            ["RateLimits:Visits:TokensPerPeriod"] = "10000",
        });
        _watchersDashboard = new DashboardFactory(settings, _silos[1].GatewayPort);
        _ = _phonesDashboard.Server;
        _ = _watchersDashboard.Server;
    }

    public async Task DisposeAsync()
    {
        await _phonesDashboard.DisposeAsync();
        await _watchersDashboard.DisposeAsync();
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Restarting_each_silo_and_the_storage_account_under_load_fails_no_check_in_and_events_resume_within_30_s()
    {
        var pairs = new List<FaultSeed.Pair>();
        for (var i = 0; i < 4; i++)
        {
            pairs.Add(await FaultSeed.PairedAsync(_silos[0].Grains, District));
        }

        var heard = new ConcurrentDictionary<string, TaskCompletionSource>(StringComparer.Ordinal);
        await using var watcher = _watchersDashboard.Hub(_watchersDashboard.Token("coord-xiaolan", "coordinator", District));
        watcher.On<JsonElement>("visitCheckedIn", e => heard.GetOrAdd(e.GetProperty("visitId").GetString()!, _ => new()).TrySetResult());
        await watcher.StartAsync();
        await watcher.InvokeAsync("Watch", District);

        var phones = pairs.Select(p => new HttpPhone(_phonesDashboard.Volunteer(p.VolunteerId), p)).ToList();
        var probe = phones[^1];
        using var stopLoad = new CancellationTokenSource();
        var load = phones.SkipLast(1).Select(phone => Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                await phone.VisitAsync();
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        })).ToList();

        // Events flow before anything restarts.
        await EventsArriveAsync(probe, heard, "start");
        foreach (var silo in _silos)
        {
            await silo.RestartAsync();
            await EventsArriveAsync(probe, heard, $"silo on port {silo.SiloPort} restarted");
        }

        await _azurite.RestartAsync();
        await EventsArriveAsync(probe, heard, "Azurite restarted");
        // Membership survived the storage restart: a silo that leaves and joins again finds the cluster through it.
        await _silos[0].RestartAsync();
        await EventsArriveAsync(probe, heard, "a silo rejoined after Azurite restarted");

        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        Assert.Empty(phones.SelectMany(p => p.Refusals));
        output.WriteLine($"{phones.Sum(p => p.Acknowledged.Count)} visits acknowledged, {phones.Sum(p => p.Retries)} attempts retried");
        foreach (var phone in phones)
        {
            var hours = await HttpPhone.ReadAsync(phone.Client, $"/api/v1/volunteers/{phone.Pair.VolunteerId}/hours");
            Assert.Equal(phone.Acknowledged.Count, hours.GetProperty("visits").GetInt32());
            Assert.Equal(Math.Round(phone.Acknowledged.Values.Sum(), 2), hours.GetProperty("pendingHours").GetDouble(), 2);
        }
    }

    /// <summary>
    /// Visits by the probe phone until the watcher hears one of their check-ins: events are back. Observers do not
    /// survive a restart, so the first events after one may go nowhere until the dashboard registers again.
    /// </summary>
    private async Task EventsArriveAsync(HttpPhone probe, ConcurrentDictionary<string, TaskCompletionSource> heard, string after)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var visitId = await probe.VisitAsync();
            var left = EventsBackWithin - clock.Elapsed;
            Assert.True(left > TimeSpan.Zero, $"No live event within {EventsBackWithin} after: {after}.");
            var arrived = heard.GetOrAdd(visitId, _ => new()).Task;
            if (await Task.WhenAny(arrived, Task.Delay(left < TimeSpan.FromSeconds(3) ? left : TimeSpan.FromSeconds(3))) == arrived)
            {
                output.WriteLine($"{after}: events back after {clock.Elapsed.TotalSeconds:0.0} s");
                return;
            }
        }
    }

    /// <summary>A phone on the HTTP API that retries each request until it is answered, and keeps what it was told.</summary>
    private sealed class HttpPhone(HttpClient client, FaultSeed.Pair pair)
    {
        private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(90);

        public HttpClient Client => client;

        public FaultSeed.Pair Pair => pair;

        public ConcurrentDictionary<string, double> Acknowledged { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<string> Refusals { get; } = new();

        public int Retries { get; private set; }

        public async Task<string> VisitAsync()
        {
            var visitId = FaultSeed.Unique("visit");
            var now = DateTimeOffset.UtcNow;
            var location = new { lat = FaultSeed.Home.Lat, lng = FaultSeed.Home.Lng, accuracyM = 10 };
            await SendAsync($"/api/v1/visits/{visitId}/check-in", new { householdId = pair.HouseholdId, needId = pair.NeedId, at = now.AddMinutes(-40), location });
            var visit = await SendAsync($"/api/v1/visits/{visitId}/check-out", new { at = now.AddMinutes(-1), location, services = new[] { "elderly-visit" }, notes = "陪伴" });
            Acknowledged[visitId] = visit.GetProperty("hours").GetDouble();
            return visitId;
        }

        public static async Task<JsonElement> ReadAsync(HttpClient client, string path)
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        private async Task<JsonElement> SendAsync(string path, object body)
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                try
                {
                    using var response = await client.PostAsJsonAsync(path, body);
                    if (response.IsSuccessStatusCode)
                    {
                        return await response.Content.ReadFromJsonAsync<JsonElement>();
                    }

                    if ((int)response.StatusCode < 500)
                    {
                        // A refusal is final for a phone: under restarts the service must never give one wrongly.
                        Refusals.Enqueue($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                        Assert.Fail($"{path} was refused with {(int)response.StatusCode}.");
                    }
                }
                catch (HttpRequestException)
                {
                }

                Retries++;
                Assert.True(clock.Elapsed < GiveUpAfter, $"{path} was not answered within {GiveUpAfter}.");
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
