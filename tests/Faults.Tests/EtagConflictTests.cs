using Boai.Orleans.Testing;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Providers;
using Orleans.Storage;
using Orleans.TestingHost;

namespace Boai.Orleans.Faults.Tests;

/// <summary>
/// A stale activation (one that lived through a membership change while another activation of the same grain
/// wrote) must not overwrite the newer state: its write fails on the ETag, Orleans deactivates it, and the next
/// call reads the newer state before changing it.
/// </summary>
public sealed class EtagConflictTests : IAsyncLifetime
{
    private const string StateName = "volunteer";
    private readonly AzuriteFixture _azurite = new();
    private InProcessTestCluster _cluster = null!;

    public async Task InitializeAsync()
    {
        await _azurite.InitializeAsync();
        _cluster = await GrainCluster.DeployAsync(_azurite, silos: 1);
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_write_that_hits_an_etag_conflict_rereads_and_never_overwrites_newer_state()
    {
        var pair = await FaultSeed.PairedAsync(_cluster.Client, "shiqi");
        var volunteer = _cluster.Client.GetGrain<IVolunteerGrain>(pair.VolunteerId);
        Assert.NotNull(await volunteer.Get());
        var storage = _cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);

        // Another writer stores newer state behind the activation's back.
        var newer = await ReadAsync(storage, volunteer);
        newer.State!.Trainings.Add(new Training("入户探访安全培训", new DateOnly(2025, 3, 1), null));
        await storage.WriteStateAsync(StateName, volunteer.GetGrainId(), newer);

        var rating = new Rating(5, "coord-shiqi", DateTimeOffset.UtcNow, null);
        await Assert.ThrowsAnyAsync<InconsistentStateException>(() => volunteer.Rate(rating));

        var afterConflict = (await ReadAsync(storage, volunteer)).State!;
        Assert.Single(afterConflict.Trainings);
        Assert.Empty(afterConflict.Ratings);

        // The stale activation is gone: the same request again starts from the newer state and keeps it.
        var retried = await volunteer.Rate(rating);
        Assert.True(retried.Succeeded, retried.Failure?.Title);
        Assert.Single(retried.Value!.Trainings);
        var stored = (await ReadAsync(storage, volunteer)).State!;
        Assert.Single(stored.Trainings);
        Assert.Single(stored.Ratings);
        Assert.Equal(pair.HouseholdId, Assert.Single(stored.Pairings.Values).HouseholdId);
    }

    private static async Task<GrainState<VolunteerState>> ReadAsync(IGrainStorage storage, IVolunteerGrain grain)
    {
        var state = new GrainState<VolunteerState>(new VolunteerState());
        await storage.ReadStateAsync(StateName, grain.GetGrainId(), state);
        return state;
    }
}
