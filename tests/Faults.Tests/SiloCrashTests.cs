using System.Diagnostics;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Testing;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Xunit.Abstractions;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// Three real silos on a real Azurite; one of them is killed outright every few seconds (and a fresh one joins)
/// while phones check visits in and out, retrying the same request until it is acknowledged.
/// </summary>
public sealed class SiloCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan LoadFor = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan KillEvery = TimeSpan.FromSeconds(4);
    private static readonly string[] Districts = ["shiqi", "dongqu"];

    private readonly AzuriteFixture _azurite = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _cluster = await GrainCluster.DeployAsync(_azurite, silos: 3);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task Killing_silos_under_load_loses_no_acknowledged_visit_and_counts_none_twice()
    {
        var grains = _cluster.Client;
        var pairs = new List<FaultSeed.Pair>();
        foreach (var district in Districts)
        {
            for (var i = 0; i < 3; i++)
            {
                pairs.Add(await FaultSeed.PairedAsync(grains, district));
            }
        }

        var history = new VisitHistory();
        using var stopChaos = new CancellationTokenSource();
        var chaos = Task.Run(() => KillSilosAsync(stopChaos.Token));
        var load = Stopwatch.StartNew();
        await Task.WhenAll(pairs.Select(async pair =>
        {
            var phone = new Phone(grains, pair, history);
            while (load.Elapsed < LoadFor)
            {
                await phone.VisitAsync();
            }
        }));
        await stopChaos.CancelAsync();
        var kills = await chaos;

        output.WriteLine($"{kills} silos killed, {history.CheckedOut.Count} visits acknowledged, {history.Indeterminate.Count} attempts retried");
        foreach (var retried in history.Indeterminate.Take(20))
        {
            output.WriteLine(retried);
        }

        Assert.True(kills >= 3, $"Only {kills} silos were killed.");
        Assert.NotEmpty(history.CheckedOut);

        // Projections follow the ledger behind the phones: once every partition delivered, they must agree with it.
        await GrainCluster.SettledAsync(grains);
        var ledger = _cluster.Silos[0].ServiceProvider.GetRequiredService<IVisitLedger>();
        foreach (var pair in pairs)
        {
            var recorded = new List<LedgerVisit>();
            await foreach (var visit in ledger.ReadVolunteerAsync(pair.VolunteerId))
            {
                recorded.Add(visit);
            }

            var acknowledged = history.CheckedOut.Values.Where(v => v.VolunteerId == pair.VolunteerId).ToList();
            var recordedIds = recorded.Select(v => v.Entry.VisitId).ToList();

            // Acknowledged ⊆ present, present ⊆ what this phone sent, and each visit is there once.
            Assert.Equal(recordedIds.Count, recordedIds.Distinct().Count());
            Assert.Equal(acknowledged.Select(v => v.VisitId).Order(), recordedIds.Order());
            foreach (var visit in acknowledged)
            {
                Assert.Equal(visit.Hours, recorded.Single(r => r.Entry.VisitId == visit.VisitId).Entry.Hours);
            }

            // The volunteer's own counts agree with the ledger: nothing counted twice, nothing missing.
            var balance = LedgerBalance.From(recorded);
            var hours = await grains.GetGrain<IVolunteerGrain>(pair.VolunteerId).GetHours();
            Assert.Equal(balance.Visits, hours!.Visits);
            Assert.Equal(balance.PendingHours, hours.PendingHours);
            Assert.Equal(balance.CertifiedHours, hours.CertifiedHours);
            Assert.Equal(Math.Round(acknowledged.Sum(v => v.Hours ?? 0), 2), hours.PendingHours);
            var volunteer = await grains.GetGrain<IVolunteerGrain>(pair.VolunteerId).Get();
            Assert.Null(volunteer!.VisitInProgress);
        }

        foreach (var district in Districts)
        {
            var active = await grains.GetGrain<IDistrictGrain>(district).GetActiveVisits();
            Assert.DoesNotContain(active, a => history.CheckedIn.Contains(a.VisitId));
        }
    }

    /// <summary>Kills the newest secondary silo every few seconds and starts a fresh one; returns how many died.</summary>
    private async Task<int> KillSilosAsync(CancellationToken stop)
    {
        var kills = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(KillEvery, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var victim = _cluster.Silos.Skip(1).LastOrDefault(s => s.IsActive);
            if (victim is null)
            {
                continue;
            }

            await _cluster.KillSiloAsync(victim, CancellationToken.None);
            kills++;
            await _cluster.StartAdditionalSiloAsync();
        }

        return kills;
    }
}
