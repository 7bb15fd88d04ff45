using System.Collections.Concurrent;
using Azure;
using Orleans.Storage;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// The service's grain storage with write faults on demand, per grain: the next writes of one grain fail before
/// anything is written, or are written and then fail (the answer lost on its way back, as after a timeout), exactly
/// as Azure Tables can. Reads always reach storage, so a grain that re-reads after a failure sees what was stored.
/// </summary>
public sealed class FaultInjectingGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, Fault> _faults = new();
    private readonly ConcurrentDictionary<GrainId, HeldWrite> _holds = new();
    private readonly ConcurrentDictionary<GrainId, int> _stored = new();

    /// <summary>Writes of the grain that reached storage and succeeded so far.</summary>
    public int StoredWrites(GrainId grain) => _stored.GetValueOrDefault(grain);

    /// <summary>The next <paramref name="count"/> writes of the grain fail; when <paramref name="landed"/>, each is stored first.</summary>
    public void FailNextWrites(GrainId grain, int count = 1, bool landed = false) => _faults[grain] = new Fault(count, landed);

    /// <summary>Writes of the grain still to fail (0 once the injected faults were all met).</summary>
    public int Pending(GrainId grain) => _faults.TryGetValue(grain, out var fault) ? fault.Left : 0;

    /// <summary>The grain's next write waits, before it reaches storage, until the returned hold is released.</summary>
    public HeldWrite HoldNextWrite(GrainId grain) => _holds[grain] = new HeldWrite();

    public void Heal() => _faults.Clear();

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_holds.TryRemove(grainId, out var hold))
        {
            await hold.WaitAsync();
        }

        var fault = Take(grainId);
        if (fault is { Landed: false })
        {
            throw new RequestFailedException(503, "injected: storage unavailable, nothing written");
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (fault is { Landed: true })
        {
            throw new RequestFailedException(500, "injected: written, but the answer was lost");
        }

        _stored.AddOrUpdate(grainId, 1, (_, n) => n + 1);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    private Fault? Take(GrainId grain)
    {
        while (_faults.TryGetValue(grain, out var fault))
        {
            if (fault.Left <= 0)
            {
                return null;
            }

            if (_faults.TryUpdate(grain, fault with { Left = fault.Left - 1 }, fault))
            {
                return fault;
            }
        }

        return null;
    }

    private sealed record Fault(int Left, bool Landed);

    /// <summary>A write held open: <see cref="Entered"/> completes when it reached storage's door, <see cref="Release"/> lets it through.</summary>
    public sealed class HeldWrite
    {
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Release() => _released.TrySetResult();

        internal Task WaitAsync()
        {
            _entered.TrySetResult();
            return _released.Task;
        }
    }
}
