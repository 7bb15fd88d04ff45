using System.Collections.Concurrent;
using Boai.Orleans.Districts;

namespace Boai.Orleans.Grains.Tests.Domain;

/// <summary>
/// The silo's district stores, with the volunteers' read of one district held open on demand: the read has taken the
/// stored rows, and hands them to the district only when the test lets it.
/// </summary>
public sealed class HeldVolunteerReads(IDistrictStoreFactory stores) : IDistrictStoreFactory
{
    private readonly ConcurrentDictionary<string, VolunteersReadHold> _holds = new(StringComparer.Ordinal);

    /// <summary>Holds the next volunteers' read of the district (its next activation's).</summary>
    public VolunteersReadHold Hold(string districtId) => _holds[districtId] = new VolunteersReadHold();

    public IDistrictStore Create(string districtId) => new HeldStore(stores.Create(districtId), this, districtId);

    private sealed class HeldStore(IDistrictStore store, HeldVolunteerReads owner, string districtId) : IDistrictStore
    {
        public bool HasChanges => store.HasChanges;

        public Task<IReadOnlyList<DistrictRow>> LoadAsync(CancellationToken cancellationToken) => store.LoadAsync(cancellationToken);

        public async Task<IReadOnlyList<DistrictRow>> ReadVolunteersAsync(CancellationToken cancellationToken)
        {
            var rows = await store.ReadVolunteersAsync(cancellationToken);
            if (owner._holds.TryRemove(districtId, out var hold))
            {
                await hold.HoldAsync();
            }

            return rows;
        }

        public IReadOnlyList<DistrictRow> AdoptVolunteers(IReadOnlyList<DistrictRow> read) => store.AdoptVolunteers(read);

        public void Put<T>(DistrictRowKind kind, string id, T value, string? tag = null)
            where T : notnull => store.Put(kind, id, value, tag);

        public void Delete(DistrictRowKind kind, string id) => store.Delete(kind, id);

        public Task FlushAsync() => store.FlushAsync();
    }
}

/// <summary>One held volunteers' read: <see cref="Read"/> completes once it has read storage, <see cref="Release"/> lets it land.</summary>
public sealed class VolunteersReadHold
{
    private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Read => _read.Task;

    public void Release() => _released.TrySetResult();

    internal Task HoldAsync()
    {
        _read.TrySetResult();
        return _released.Task;
    }
}
