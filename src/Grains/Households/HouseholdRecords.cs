using Boai.Orleans.Model;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Households;

[GenerateSerializer, Immutable]
public sealed record NewNeed(
    [property: Id(0)] string ItemId,
    [property: Id(1)] NeedFrequency? Frequency,
    [property: Id(2)] int Priority,
    [property: Id(3)] string? Notes,
    [property: Id(4)] string By);

[GenerateSerializer, Immutable]
public sealed record NeedView(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string DistrictId,
    [property: Id(3)] string ItemId,
    [property: Id(4)] string Category,
    [property: Id(5)] NeedFrequency Frequency,
    [property: Id(6)] int Priority,
    [property: Id(7)] IReadOnlyList<string> Skills,
    [property: Id(8)] DateTimeOffset CreatedAt,
    [property: Id(9)] DateTimeOffset? LastVisitAt,
    [property: Id(10)] Coverage Coverage,
    [property: Id(11)] IReadOnlyList<string> VolunteerIds,
    [property: Id(12)] GeoPoint? Location,
    [property: Id(13)] bool Open)
{
    /// <summary>The need as the matching engine sees it.</summary>
    public Matching.MatchNeed ToMatch() =>
        new(NeedId, HouseholdId, DistrictId, Category, Skills, Frequency, Priority, Location?.Lat, Location?.Lng);
}

[GenerateSerializer, Immutable]
public sealed record PairingView(
    [property: Id(0)] string PairingId,
    [property: Id(1)] string VolunteerId,
    [property: Id(2)] string HouseholdId,
    [property: Id(3)] string NeedId,
    [property: Id(4)] string DistrictId,
    [property: Id(5)] DateTimeOffset StartedAt,
    [property: Id(6)] DateTimeOffset? EndedAt,
    [property: Id(7)] string Status,
    [property: Id(8)] WeeklySlot? Slot = null);

/// <summary>The full household file ("一人一档"): for its district's coordinators only, each read audited.</summary>
[GenerateSerializer, Immutable]
public sealed record HouseholdFile(
    [property: Id(0)] string HouseholdId,
    [property: Id(1)] HouseholdProfile Profile,
    [property: Id(2)] IReadOnlyList<NeedView> Needs,
    [property: Id(3)] IReadOnlyList<PairingView> Pairings,
    [property: Id(4)] IReadOnlyList<VisitBrief> RecentVisits,
    [property: Id(5)] DateTimeOffset? MajorChangeAt,
    [property: Id(6)] string? MajorChangeNote,
    [property: Id(7)] DateTimeOffset? LastVisitAt);

/// <summary>What a visit needs to know of the household it is made to; <c>OrderIds</c>: the menu orders it serves.</summary>
[GenerateSerializer, Immutable]
public sealed record VisitContext(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] GeoPoint? Location,
    [property: Id(2)] IReadOnlyList<string> NeedIds,
    [property: Id(3)] IReadOnlyList<string>? OrderIds = null);
