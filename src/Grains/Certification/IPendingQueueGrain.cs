using Boai.Orleans.Ledger;
using Boai.Orleans.Live;

namespace Boai.Orleans.Certification;

/// <summary>
/// A district's certification queue (待认证) as a count: a projection of the hours ledger (every finished visit's
/// latest step) that tells the district's watchers each time the count changes.
/// </summary>
public interface IPendingQueueGrain : IGrainWithStringKey
{
    /// <summary>Ledger events of the district, in log order per partition (delivered by the ledger partitions).</summary>
    Task Apply(IReadOnlyList<LedgerEvent> events);

    /// <summary>Visits of the district waiting for a decision within the pending window.</summary>
    Task<int> Count();
}

/// <summary>
/// The number of a district's visits waiting for certification changed: a check-out landed pending, a coordinator
/// decided, a back-fill was recorded, or a visit aged out of the queue's window.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PendingChangedEvent : LiveEvent
{
    [Id(0)] public required int Pending { get; init; }
    [Id(1)] public required DateTimeOffset At { get; init; }

    public override string Kind => "pendingChanged";
}
