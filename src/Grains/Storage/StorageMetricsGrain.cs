using Orleans.Concurrency;

namespace Boai.Orleans.Storage;

/// <summary>
/// This silo's storage requests, allocations and collections so far (one per silo: a stateless worker is local); the
/// bench divides them by its pairs.
/// </summary>
public interface IStorageMetricsGrain : IGrainWithIntegerKey
{
    Task<StorageRequestCounts> SoFar();

    Task<RuntimeCounts> Runtime();
}

[StatelessWorker(1)]
public sealed class StorageMetricsGrain : Grain, IStorageMetricsGrain
{
    public Task<StorageRequestCounts> SoFar() => Task.FromResult(Telemetry.StorageRequestsSoFar());

    public Task<RuntimeCounts> Runtime() => Task.FromResult(RuntimeCounts.Now());
}
