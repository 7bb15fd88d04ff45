using Boai.Orleans.Model;

namespace Boai.Orleans.Matching;

/// <summary>What the matcher needs to know about a volunteer; built from the volunteer's record by the caller.</summary>
/// <param name="VolunteerId">The volunteer.</param>
/// <param name="DistrictId">Home district (镇区).</param>
/// <param name="HomeLat">Home latitude; null when unknown (then only same-district needs qualify, at a low fixed distance score).</param>
/// <param name="HomeLng">Home longitude; null when unknown.</param>
/// <param name="Skills">Skills and specialties; compared case-insensitively with needs' required skills.</param>
/// <param name="FreeSlots">Weekly free time.</param>
/// <param name="AcceptedCategories">Need categories (<see cref="NeedCategories"/>) the volunteer accepts; empty accepts all.</param>
/// <param name="MaxTravelKm">How far the volunteer is willing to travel; 0 or less means not stated (see <see cref="MatchingOptions.DefaultMaxTravelKm"/>).</param>
/// <param name="ActivePairings">Pairings the volunteer serves now (their load).</param>
/// <param name="Rating">Coordinator rating 1..5; 0 means not rated.</param>
/// <param name="HouseholdsServed">Households the volunteer served before (continuity).</param>
/// <param name="Active">False when the volunteer paused or left: never suggested.</param>
/// <param name="Trainings">Training ids the volunteer holds validly (<see cref="Rules.TrainingRules"/>).</param>
[GenerateSerializer, Immutable, Alias("Boai.Matching.MatchVolunteer")]
public sealed record MatchVolunteer(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string DistrictId,
    [property: Id(2)] double? HomeLat,
    [property: Id(3)] double? HomeLng,
    [property: Id(4)] IReadOnlyList<string> Skills,
    [property: Id(5)] IReadOnlyList<WeeklySlot> FreeSlots,
    [property: Id(6)] IReadOnlyList<string> AcceptedCategories,
    [property: Id(7)] double MaxTravelKm,
    [property: Id(8)] int ActivePairings,
    [property: Id(9)] double Rating,
    [property: Id(10)] IReadOnlySet<string> HouseholdsServed,
    [property: Id(11)] bool Active,
    [property: Id(12)] IReadOnlyList<string>? Trainings = null);
