using Boai.Orleans.Model;

namespace Boai.Orleans.Districts;

/// <summary>
/// An active pairing's planned weekly visit, as its household reports it to the district: what the district needs to
/// put the visit on its due-today list without asking the household again.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record PlannedVisit(
    [property: Id(0)] string PairingId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] string VolunteerId,
    [property: Id(3)] WeeklySlot Slot,
    [property: Id(4)] TimeSpan Cadence,
    [property: Id(5)] DateTimeOffset? LastVisitAt);

/// <summary>Where a visit due today stands, as EVV systems show it: due, started (checked in), late (not checked in by the slot's start plus the grace), done (checked out).</summary>
public enum DueVisitState
{
    Due,
    Started,
    Late,
    Done,
}

/// <summary>One visit due today in a district: planned from a pairing's slot, then moved on by check-in, check-out and the clock.</summary>
[GenerateSerializer, Immutable]
public sealed record DueVisit(
    [property: Id(0)] string PairingId,
    [property: Id(1)] string NeedId,
    [property: Id(2)] string HouseholdId,
    [property: Id(3)] string VolunteerId,
    [property: Id(4)] DateTimeOffset SlotStart,
    [property: Id(5)] DateTimeOffset SlotEnd,
    [property: Id(6)] DateTimeOffset LateAt,
    [property: Id(7)] DateTimeOffset? LateSince = null,
    [property: Id(8)] string? VisitId = null,
    [property: Id(9)] DateTimeOffset? CheckedInAt = null,
    [property: Id(10)] DateTimeOffset? CheckedOutAt = null)
{
    public DueVisitState State => this switch
    {
        { CheckedOutAt: not null } => DueVisitState.Done,
        { CheckedInAt: not null } => DueVisitState.Started,
        { LateSince: not null } => DueVisitState.Late,
        _ => DueVisitState.Due,
    };

    /// <summary>Not checked in yet, so a check-in of its volunteer at its household starts it.</summary>
    public bool Waiting => CheckedInAt is null;
}
