using Boai.Orleans.Model;
namespace Boai.Orleans.Matching;

/// <summary>An uncovered need to match, with its household's location.</summary>
/// <param name="NeedId">The need.</param>
/// <param name="HouseholdId">The household the need belongs to (continuity is judged on it).</param>
/// <param name="DistrictId">The household's district.</param>
/// <param name="Category">The catalogue category of the need (<see cref="NeedCategories"/>).</param>
/// <param name="RequiredSkills">Skills the need asks for; compared case-insensitively with volunteers' skills.</param>
/// <param name="Priority">Higher is more urgent. Only the district planner uses it: when not every need can be
/// covered, it prefers to cover the more urgent ones (<see cref="MatchingOptions.PlanPointsPerPriority"/>).</param>
/// <param name="Frequency">How often the need is served; weighs the volunteer's free time.</param>
/// <param name="Lat">Household latitude; null when unknown.</param>
/// <param name="Lng">Household longitude; null when unknown.</param>
/// <param name="RequiredTrainings">Trainings the catalogue item requires: a hard rule, like the category.</param>
[GenerateSerializer, Immutable, Alias("Boai.Matching.MatchNeed")]
public sealed record MatchNeed(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string DistrictId,
    [property: Id(3)] string Category,
    [property: Id(4)] IReadOnlyList<string> RequiredSkills,
    [property: Id(5)] NeedFrequency Frequency,
    [property: Id(6)] int Priority,
    [property: Id(7)] double? Lat,
    [property: Id(8)] double? Lng,
    [property: Id(9)] IReadOnlyList<string>? RequiredTrainings = null);
