using System.Collections.Immutable;
using Boai.Orleans.Live;

namespace Boai.Orleans.ServiceRecords;

/// <summary>What a volunteer saw that needs a coordinator's attention: the kinds the service record (服务套表) asks about.</summary>
public static class ObservationKinds
{
    public const string Health = "health";
    public const string Mood = "mood";
    public const string HomeSafety = "homeSafety";

    public static readonly IReadOnlyList<string> All = [Health, Mood, HomeSafety];

    public static bool IsKnown(string? kind) => kind is Health or Mood or HomeSafety;
}

/// <summary>One observation of the service record: its kind and what the volunteer noted.</summary>
[GenerateSerializer, Immutable]
public sealed record Observation(
    [property: Id(0)] string Kind,
    [property: Id(1)] string Note);

/// <summary>A photo of the visit kept in blob storage (<c>{visitId}/{photoId}</c>).</summary>
[GenerateSerializer, Immutable]
public sealed record ServicePhoto(
    [property: Id(0)] string PhotoId,
    [property: Id(1)] string ContentType,
    [property: Id(2)] long Bytes,
    [property: Id(3)] DateTimeOffset At);

/// <summary>The household's rating of a visit (满意度 1–5 and a comment), given once by the resident.</summary>
[GenerateSerializer, Immutable]
public sealed record ResidentRating(
    [property: Id(0)] int Satisfaction,
    [property: Id(1)] string? Comment,
    [property: Id(2)] string By,
    [property: Id(3)] DateTimeOffset At);

/// <summary>Whose visit a service record belongs to, as the visit grain knows it (the API reads it there first).</summary>
[GenerateSerializer, Immutable]
public sealed record VisitOwner(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string DistrictId);

/// <summary>
/// The parts of the service record (服务套表) beyond the check-out the contract pins: observations, photos, the QR
/// placard proof and the household's rating, kept beside the visit under the same visitId.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ServiceRecordView(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string VolunteerId,
    [property: Id(2)] string HouseholdId,
    [property: Id(3)] string DistrictId,
    [property: Id(4)] IReadOnlyList<Observation> Observations,
    [property: Id(5)] string? Notes,
    [property: Id(6)] IReadOnlyList<ServicePhoto> Photos,
    [property: Id(7)] DateTimeOffset? PlacardVerifiedAt,
    [property: Id(8)] DateTimeOffset? SubmittedAt,
    [property: Id(9)] ResidentRating? Rating)
{
    /// <summary>Observations a coordinator must look at (every observation is one: the phone only sends those ticked).</summary>
    public bool NeedsAttention => Observations.Count > 0;
}

/// <summary>A district's satisfaction figure (满意度) from residents' ratings.</summary>
[GenerateSerializer, Immutable]
public sealed record SatisfactionView(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] int Ratings,
    [property: Id(2)] double? Average,
    [property: Id(3)] IReadOnlyDictionary<int, int> ByScore);

/// <summary>One visit's rating in its district's list.</summary>
[GenerateSerializer, Immutable]
public sealed record DistrictRating(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string VolunteerId,
    [property: Id(2)] int Satisfaction,
    [property: Id(3)] string? Comment,
    [property: Id(4)] DateTimeOffset At);

/// <summary>A page of a district's latest ratings; <c>nextOffset</c> null on the last page.</summary>
[GenerateSerializer, Immutable]
public sealed record DistrictRatingsPage(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] int Listed,
    [property: Id(2)] ImmutableArray<DistrictRating> Items,
    [property: Id(3)] int? NextOffset);

/// <summary>A visit the volunteer recorded through the app: the id the "Me" page reads the visit's state by.</summary>
[GenerateSerializer, Immutable]
public sealed record JournalEntry(
    [property: Id(0)] string VisitId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] DateTimeOffset At);

/// <summary>
/// A volunteer's service record holds observations that need a coordinator's attention (health, mood, home safety):
/// sent to the district's watchers, so the coordinators' dashboard raises a flag.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record VisitAttentionEvent : LiveEvent
{
    [Id(0)] public required string VisitId { get; init; }
    [Id(1)] public required string VolunteerId { get; init; }
    [Id(2)] public required string HouseholdId { get; init; }
    [Id(3)] public required IReadOnlyList<Observation> Observations { get; init; }
    [Id(4)] public required DateTimeOffset At { get; init; }

    public override string Kind => "visitAttention";
}
