using Boai.Orleans.Matching;
using Boai.Orleans.Model;

namespace Boai.Orleans.Districts;

/// <summary>A volunteer suggested for a need as the dashboard shows it: the name masked (陈**), the score and each factor explained.</summary>
[GenerateSerializer, Immutable]
public sealed record SuggestedVolunteer(
    [property: Id(0)] string VolunteerId,
    [property: Id(1)] string MaskedName,
    [property: Id(2)] double Score,
    [property: Id(3)] IReadOnlyDictionary<string, FactorScore> Factors);

/// <summary>
/// A district's proposed assignment of its uncovered needs (服务匹配, whole district): nothing is paired until a
/// coordinator accepts it. Computed by <see cref="DistrictPlanner"/> (min-cost max-flow) from the district's live state.
/// </summary>
/// <param name="DistrictId">The district.</param>
/// <param name="PlanId">Names this exact set of proposals: the same live state gives the same plan and id.</param>
/// <param name="ComputedAt">When the plan was computed.</param>
/// <param name="Algorithm">Always <c>minCostMaxFlow</c>.</param>
/// <param name="MaxPairingsPerVolunteer">Capacity of a volunteer (<see cref="MatchingOptions.MaxPairingsPerVolunteer"/>):
/// their active pairings plus the plan's proposals never exceed it.</param>
/// <param name="UncoveredNeeds">All uncovered needs of the district the plan looked at.</param>
/// <param name="Proposals">One per need the plan covers, ordered by need id.</param>
/// <param name="Unassigned">The uncovered needs the plan leaves out, each with why.</param>
/// <param name="TotalScore">Sum of the proposals' scores.</param>
[GenerateSerializer, Immutable]
public sealed record DistrictPlanView(
    [property: Id(0)] string DistrictId,
    [property: Id(1)] string PlanId,
    [property: Id(2)] DateTimeOffset ComputedAt,
    [property: Id(3)] string Algorithm,
    [property: Id(4)] int MaxPairingsPerVolunteer,
    [property: Id(5)] int UncoveredNeeds,
    [property: Id(6)] IReadOnlyList<PlanProposal> Proposals,
    [property: Id(7)] IReadOnlyList<PlanUnassigned> Unassigned,
    [property: Id(8)] double TotalScore);

/// <summary>A proposed pairing of a plan, with the same score and explanations a suggestion for the need shows.</summary>
[GenerateSerializer, Immutable]
public sealed record PlanProposal(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string ItemId,
    [property: Id(3)] string Category,
    [property: Id(4)] UncoveredReason Reason,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] int Priority,
    [property: Id(7)] string VolunteerId,
    [property: Id(8)] string MaskedName,
    [property: Id(9)] double Score,
    [property: Id(10)] IReadOnlyDictionary<string, FactorScore> Factors);

/// <summary>An uncovered need a plan does not pair, and why (<see cref="PlanWhy"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record PlanUnassigned(
    [property: Id(0)] string NeedId,
    [property: Id(1)] string HouseholdId,
    [property: Id(2)] string ItemId,
    [property: Id(3)] string Category,
    [property: Id(4)] UncoveredReason Reason,
    [property: Id(5)] DateTimeOffset Since,
    [property: Id(6)] int Priority,
    [property: Id(7)] string Why);

/// <summary>Why a plan leaves an uncovered need out.</summary>
public static class PlanWhy
{
    /// <summary>No active volunteer of the district passes the hard rules (category, travel distance, capacity).</summary>
    public const string NoEligibleVolunteer = "noEligibleVolunteer";

    /// <summary>The catalogue item requires a training (e.g. first aid for 陪同就医) that no active volunteer holds validly.</summary>
    public const string NoTrainedVolunteer = "noTrainedVolunteer";

    /// <summary>Eligible volunteers exist, but the plan gives all their remaining capacity to other needs.</summary>
    public const string CapacityUsed = "capacityUsed";

    /// <summary>A volunteer is still paired with the need; it is uncovered because their visit is due (overdue, major change).</summary>
    public const string AlreadyPaired = "alreadyPaired";

    /// <summary>Not served by a pairing (a one-off order waiting for a claim).</summary>
    public const string NotPairable = "notPairable";
}
