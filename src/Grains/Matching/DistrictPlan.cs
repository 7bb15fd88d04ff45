namespace Boai.Orleans.Matching;

/// <summary>A proposed assignment of uncovered needs to volunteers; nothing is paired until a coordinator accepts it.</summary>
/// <param name="Assignments">One per covered need, ordered by need id.</param>
/// <param name="UnassignedNeedIds">Needs no eligible volunteer with remaining capacity could take, ordered by id.</param>
/// <param name="TotalScore">Sum of the assignments' scores.</param>
[GenerateSerializer, Immutable, Alias("Boai.Matching.DistrictPlan")]
public sealed record DistrictPlan(
    [property: Id(0)] IReadOnlyList<PlannedPairing> Assignments,
    [property: Id(1)] IReadOnlyList<string> UnassignedNeedIds,
    [property: Id(2)] double TotalScore);

/// <summary>A proposed pairing, with the same score and explanations a suggestion for the need would show.</summary>
[GenerateSerializer, Immutable, Alias("Boai.Matching.PlannedPairing")]
public sealed record PlannedPairing(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string VolunteerId,
    [property: Id(3)] double Score,
    [property: Id(4)] IReadOnlyDictionary<string, FactorScore> Factors);
