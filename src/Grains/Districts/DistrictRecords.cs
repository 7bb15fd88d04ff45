using Boai.Orleans.Model;

namespace Boai.Orleans.Districts;

/// <summary>An uncovered need as coordinators see it on the district's list.</summary>
[GenerateSerializer, Immutable]
public sealed record UncoveredNeed(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string DistrictId,
    [property: Id(3)] string ItemId,
    [property: Id(4)] string Category,
    [property: Id(5)] UncoveredReason Reason,
    [property: Id(6)] DateTimeOffset Since,
    [property: Id(7)] int Priority,
    [property: Id(8)] IReadOnlyList<string> Skills,
    [property: Id(9)] NeedFrequency Frequency,
    [property: Id(10)] GeoPoint? Location)
{
    /// <summary>The need as the matching engine sees it.</summary>
    public Matching.MatchNeed ToMatch() =>
        new(NeedId, HouseholdId, DistrictId, Category, Skills, Frequency, Priority, Location?.Lat, Location?.Lng);
}

/// <summary>What a household contributes to its district's aggregates; sent whole, so a repeat changes nothing.</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdSummary(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] string DistrictId,
    [property: Id(2)] string Community,
    [property: Id(3)] string Category,
    [property: Id(4)] RiskLevel RiskLevel,
    [property: Id(5)] int OpenNeeds,
    [property: Id(6)] IReadOnlyList<UncoveredNeed> Uncovered,
    [property: Id(7)] DateTimeOffset? NextCheckAt,
    [property: Id(8)] DateTimeOffset? LastVisitAt,
    [property: Id(9)] IReadOnlyList<PlannedVisit>? Planned = null);

/// <summary>What a volunteer contributes to its district: counts, and what matching needs to know.</summary>
[GenerateSerializer, Immutable]
public sealed record VolunteerSummary(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string DistrictId,
    [property: Id(2)] string MaskedName,
    [property: Id(3)] VolunteerStatus Status,
    [property: Id(4)] IReadOnlyList<string> Skills,
    [property: Id(5)] IReadOnlyList<WeeklySlot> Availability,
    [property: Id(6)] IReadOnlyList<string> AcceptedCategories,
    [property: Id(7)] double MaxTravelKm,
    [property: Id(8)] GeoPoint? Home,
    [property: Id(9)] int ActivePairings,
    [property: Id(10)] double Rating,
    [property: Id(11)] DateTimeOffset? LastServedAt,
    [property: Id(12)] double CertifiedHours,
    [property: Id(13)] double PendingHours,
    [property: Id(14)] int StarLevel,
    [property: Id(15)] IReadOnlyList<string> HouseholdsServed,
    [property: Id(16)] IReadOnlyList<Volunteers.Training>? Trainings = null);

[GenerateSerializer, Immutable]
public sealed record ActiveVisit(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string VolunteerId,
    [property: Id(2)] string HouseholdId,
    [property: Id(3)] DateTimeOffset At);

[GenerateSerializer, Immutable]
public sealed record DistrictSummary(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] string Name,
    [property: Id(2)] string NameEn,
    [property: Id(3)] int Households,
    [property: Id(4)] int OpenNeeds,
    [property: Id(5)] int UncoveredNeeds,
    [property: Id(6)] int ActiveVisits,
    [property: Id(7)] int CheckInsToday,
    [property: Id(8)] double HoursThisMonth,
    [property: Id(9)] int RegisteredVolunteers,
    [property: Id(10)] int ActiveVolunteers,
    [property: Id(11)] double ActiveVolunteerRate,
    [property: Id(12)] double Coverage,
    [property: Id(13)] int DueToday = 0,
    [property: Id(14)] int LateToday = 0);
