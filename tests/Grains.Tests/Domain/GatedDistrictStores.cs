using System.Collections.Concurrent;
using Azure;
using Boai.Orleans.Districts;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// The districts' real stores behind a gate per district: a test holds a district's writes (they wait until
/// released), makes them fail (nothing written), and counts the writes that reached storage.
/// </summary>
public sealed class GatedDistrictStores(IDistrictStoreFactory inner) : IDistrictStoreFactory
{
    private readonly ConcurrentDictionary<string, Gate> _gates = new(StringComparer.Ordinal);

    public IDistrictStore Create(string districtId) => new Store(inner.Create(districtId), GateOf(districtId));

    /// <summary>The district's next writes wait (each, while it lasts) until <see cref="Release"/>.</summary>
    public void Hold(string districtId) => GateOf(districtId).Hold();

    public void Release(string districtId) => GateOf(districtId).Release();

    /// <summary>While on, the district's writes fail before anything is written.</summary>
    public void Fail(string districtId, bool on) => GateOf(districtId).Failing = on;

    /// <summary>Writes of the district that reached storage.</summary>
    public int Written(string districtId) => GateOf(districtId).Written;

    private Gate GateOf(string districtId) => _gates.GetOrAdd(districtId, _ => new Gate());

    private sealed class Gate
    {
        private readonly Lock _lock = new();
        private TaskCompletionSource _open = Opened();
        private int _written;
        private volatile bool _failing;

        public bool Failing
        {
            get => _failing;
            set => _failing = value;
        }

        public int Written => Volatile.Read(ref _written);

        public Task Open
        {
            get
            {
                lock (_lock)
                {
                    return _open.Task;
                }
            }
        }

        public void Hold()
        {
            lock (_lock)
            {
                if (_open.Task.IsCompleted)
                {
                    _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }

        public void Release()
        {
            TaskCompletionSource held;
            lock (_lock)
            {
                held = _open;
                _open = Opened();
            }

            held.TrySetResult();
        }

        public void Wrote() => Interlocked.Increment(ref _written);

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }
    }

    private sealed class Store(IDistrictStore inner, Gate gate) : IDistrictStore
    {
        public bool HasChanges => inner.HasChanges;

        public Task<IReadOnlyList<DistrictRow>> LoadAsync(CancellationToken cancellationToken) => inner.LoadAsync(cancellationToken);

        public Task<IReadOnlyList<DistrictRow>> ReadVolunteersAsync(CancellationToken cancellationToken) => inner.ReadVolunteersAsync(cancellationToken);

        public IReadOnlyList<DistrictRow> AdoptVolunteers(IReadOnlyList<DistrictRow> read) => inner.AdoptVolunteers(read);

        public void Put<T>(DistrictRowKind kind, string id, T value, string? tag = null)
            where T : notnull => inner.Put(kind, id, value, tag);

        public void Delete(DistrictRowKind kind, string id) => inner.Delete(kind, id);

        public async Task FlushAsync()
        {
            await gate.Open;
            if (gate.Failing)
            {
                throw new RequestFailedException(503, "injected: district storage unavailable, nothing written");
            }

            await inner.FlushAsync();
            gate.Wrote();
        }
    }
}
