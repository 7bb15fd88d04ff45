using System.Diagnostics;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// A household holds its finished visits in memory for <c>Households:WriteBehind</c>, and the ledger's lane waits in a
/// call to the household (<see cref="ILedgerProjection.Stored"/>) until they are stored. Orleans deactivates a grain
/// only once its running calls end, so a stopping silo would wait out that interval for each such household, and every
/// call sent to one meanwhile (a phone's check-in) would wait with it. The silo tells its writes behind that it stops
/// first: they go at once, and the stop takes what the writes take.
/// </summary>
public sealed class SiloStopTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string District = "xiaolan";

    // An interval no stop could wait out in this test (a stop that waited for it would last until the host gave up),
    // with a grain call timeout above it, as the option requires.
    private static readonly TimeSpan WriteBehind = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromMinutes(11);

    // How long the host lets the silo stop; the stop must end well within it (a small silo stops in seconds).
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan StopsWithin = TimeSpan.FromMinutes(1);

    private readonly AzuriteFixture _azurite = new();

    public Task InitializeAsync() => _azurite.InitializeAsync();

    public Task DisposeAsync() => _azurite.DisposeAsync();

    [Fact]
    public async Task A_stopping_silo_stores_its_households_visits_at_once_instead_of_waiting_out_their_write_behind()
    {
        var settings = TestClusterSettings.Create(_azurite.ConnectionString);
        settings["Households:WriteBehind"] = WriteBehind.ToString();
        await using var silo = await TestSilo.StartAsync(settings, s =>
        {
            s.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
            s.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        });

        var pair = await FaultSeed.PairedAsync(silo.Grains, District);
        var history = new VisitHistory();
        await new Phone(silo.Grains, pair, history).VisitAsync();
        var visitId = Assert.Single(history.CheckedOut.Keys);
        var partitionOfVisit = silo.Services.GetRequiredService<IVisitLog>().PartitionOf(visitId);
        var partition = silo.Grains.GetGrain<ILedgerPartitionGrain>(partitionOfVisit);

        // The household applied the visit and holds it unstored: the lane waits in its Stored call for the interval.
        var household = silo.Grains.GetGrain<IHouseholdGrain>(pair.HouseholdId);
        Assert.Single((await household.Get())!.RecentVisits);
        // (The probe is cancelled, which ends it in the partition too: a call left waiting there would hold the stop.)
        using (var probe = new CancellationTokenSource(TimeSpan.FromSeconds(1)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => partition.Delivered(probe.Token));
        }

        var clock = Stopwatch.StartNew();
        await silo.StopAsync().WaitAsync(StopsWithin);
        output.WriteLine($"The silo stopped in {clock.Elapsed.TotalSeconds:0.0} s");

        // The household's state was written as the silo stopped: after a restart the lane has nothing left to give it
        // (were it not stored, the ledger would deliver the visit again and wait for the next interval's write).
        await silo.StartAsync();
        await silo.Grains.GetGrain<ILedgerPartitionGrain>(partitionOfVisit).Delivered();
        var file = await silo.Grains.GetGrain<IHouseholdGrain>(pair.HouseholdId).Get();
        Assert.Equal(visitId, Assert.Single(file!.RecentVisits).VisitId);
    }

    [Theory]
    [InlineData("Households:WriteBehind")]
    [InlineData("Districts:FlushInterval")]
    public async Task A_write_behind_as_long_as_the_grain_call_timeout_stops_the_silo_from_starting(string setting)
    {
        // The lane's call would time out before the write it waits for, again and again.
        var settings = TestClusterSettings.Create(_azurite.ConnectionString);
        settings[setting] = "00:00:30";
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => TestSilo.StartAsync(settings));
        Assert.Contains(setting, refused.Message, StringComparison.Ordinal);
    }
}
