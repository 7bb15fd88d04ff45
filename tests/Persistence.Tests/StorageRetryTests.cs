using System.Diagnostics;
using Azure.Core;
using Boai.Orleans.Hosting;
using Boai.Orleans.Hosting.Storage;
using Boai.Orleans.Testing;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace Boai.Orleans.Persistence.Tests;

/// <summary>The storage client's retries end inside the grain call that waits for them.</summary>
public sealed class StorageRetryTests : IAsyncLifetime
{
    private static readonly TimeSpan ResponseTimeout = TimeSpan.FromSeconds(6);
    private readonly AzuriteFixture azurite = new();
    private InProcessTestCluster? cluster;

    public async Task InitializeAsync()
    {
        await azurite.InitializeAsync();
        var storage = new StorageSettings { ConnectionString = azurite.ConnectionString, GrainStateTable = $"state{Guid.NewGuid():N}" };
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.UseBoaiStorage(storage);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout);
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = ResponseTimeout));
        cluster = builder.Build();
        await cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }

        await azurite.DisposeAsync();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(27)]
    [InlineData(300)]
    public void Every_attempt_and_back_off_together_fit_the_budget(int seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        var retry = new Azure.Data.Tables.TableClientOptions().Retry;

        BoaiTableService.FitRetriesWithin(retry, budget);

        Assert.InRange(retry.MaxRetries, 1, 3);
        Assert.Equal(RetryMode.Exponential, retry.Mode);
        Assert.True(BoaiTableService.WorstCase(retry) <= budget, $"worst case {BoaiTableService.WorstCase(retry)} > {budget}");
    }

    [Fact]
    public async Task A_write_while_storage_is_down_fails_with_the_storage_error_before_the_grain_call_times_out_and_the_last_stored_state_stays()
    {
        var grain = cluster!.Client.GetGrain<INoteGrain>("h-outage");
        await grain.SetAsync("before the outage");

        await azurite.StopAsync();
        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => grain.SetAsync("during the outage"));
        clock.Stop();
        await azurite.StartAsync();

        Assert.IsNotType<TimeoutException>(failure);
        Assert.True(clock.Elapsed < ResponseTimeout, $"the write gave up after {clock.Elapsed}");
        await grain.DeactivateAsync();
        Assert.Equal("before the outage", (await grain.GetAsync()).Text);
    }
}
