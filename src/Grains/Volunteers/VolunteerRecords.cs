using Boai.Orleans.Model;

namespace Boai.Orleans.Volunteers;

/// <summary>Where and how far a volunteer is willing to serve: categories accepted (empty: all) and travel distance.</summary>
[GenerateSerializer, Immutable]
public sealed record Willingness(
    [property: Id(0)] IReadOnlyList<string> Categories,
    [property: Id(1)] double MaxTravelKm = 5);

/// <summary>A volunteer's record as a coordinator creates or replaces it (PUT).</summary>
[GenerateSerializer, Immutable]
public sealed record VolunteerProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string Phone,
    [property: Id(2)] string DistrictId,
    [property: Id(3)] IReadOnlyList<string> Skills,
    [property: Id(4)] IReadOnlyList<WeeklySlot> Availability,
    [property: Id(5)] VolunteerStatus Status,
    [property: Id(6)] Willingness Willingness,
    [property: Id(7)] GeoPoint? Home = null,
    [property: Id(8)] string? VolunteerNumber = null,
    [property: Id(9)] string? StatusReason = null);

[GenerateSerializer, Immutable]
public sealed record Training(
    [property: Id(0)] string Name,
    [property: Id(1)] DateOnly CompletedOn,
    [property: Id(2)] string? Certificate,
    [property: Id(3)] DateOnly? ExpiresOn = null);

[GenerateSerializer, Immutable]
public sealed record PairingRef(
    [property: Id(0)] string PairingId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string NeedId,
    [property: Id(3)] DateTimeOffset StartedAt);

[GenerateSerializer, Immutable]
public sealed record Rating(
    [property: Id(0)] int Stars,
    [property: Id(1)] string By,
    [property: Id(2)] DateTimeOffset At,
    [property: Id(3)] string? VisitId);

[GenerateSerializer, Immutable]
public sealed record VolunteerHours(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] double CertifiedHours,
    [property: Id(2)] double PendingHours,
    [property: Id(3)] int StarLevel,
    [property: Id(4)] int Visits);

/// <summary>The volunteer as coordinators see it (full name and phone: the API masks them where needed).</summary>
[GenerateSerializer, Immutable]
public sealed record VolunteerView(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] VolunteerProfile Profile,
    [property: Id(2)] IReadOnlyList<PairingRef> Pairings,
    [property: Id(3)] string? VisitInProgress,
    [property: Id(4)] VolunteerHours Hours,
    [property: Id(5)] double? AverageRating,
    [property: Id(6)] IReadOnlyList<Training> Trainings,
    [property: Id(7)] DateTimeOffset? LastServedAt,
    [property: Id(8)] DateTimeOffset RegisteredAt);
