using Boai.Orleans.Model;

namespace Boai.Orleans.Visits;

/// <summary>A phone's check-in; <see cref="Audit"/> is its audit entry, stored with the step when the step is new.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckIn(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string? NeedId,
    [property: Id(3)] DateTimeOffset At,
    [property: Id(4)] ReportedLocation? Location,
    [property: Id(5)] AuditEntry? Audit = null);

/// <summary>A phone's check-out; <see cref="Audit"/> as for <see cref="CheckIn"/>.</summary>
[GenerateSerializer, Immutable]
public sealed record CheckOut(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] ReportedLocation? Location,
    [property: Id(3)] IReadOnlyList<string> Services,
    [property: Id(4)] string? Notes,
    [property: Id(5)] AuditEntry? Audit = null);

/// <summary>
/// A visit a coordinator records after the fact (补录), with the reason it was not checked in on a phone; <see cref="By"/>
/// is who records it and the districts they may record into.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record Backfill(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string? NeedId,
    [property: Id(3)] DateTimeOffset CheckedInAt,
    [property: Id(4)] DateTimeOffset CheckedOutAt,
    [property: Id(5)] IReadOnlyList<string> Services,
    [property: Id(6)] string? Notes,
    [property: Id(7)] string Reason,
    [property: Id(8)] Actor By);

/// <summary>A visit as the contract shows it; the API maps it one to one.</summary>
[GenerateSerializer, Immutable]
public sealed record VisitView(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string VolunteerId,
    [property: Id(2)] string HouseholdId,
    [property: Id(3)] string DistrictId,
    [property: Id(4)] string? NeedId,
    [property: Id(5)] DateTimeOffset CheckedInAt,
    [property: Id(6)] DateTimeOffset? CheckedOutAt,
    [property: Id(7)] int? DurationMinutes,
    [property: Id(8)] double? Hours,
    [property: Id(9)] VisitStatus Status,
    [property: Id(10)] IReadOnlyList<string> Flags,
    [property: Id(11)] IReadOnlyList<string> Services,
    [property: Id(12)] string? Notes,
    [property: Id(13)] DateTimeOffset CheckInReceivedAt,
    [property: Id(14)] DateTimeOffset? CheckOutReceivedAt,
    [property: Id(15)] string? DecidedBy,
    [property: Id(16)] string? DecisionReason,
    [property: Id(17)] bool Backfilled,
    [property: Id(18)] string? BackfilledBy = null);
