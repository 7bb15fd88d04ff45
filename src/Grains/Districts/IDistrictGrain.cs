namespace Boai.Orleans.Districts;

/// <summary>
/// A district (镇区), keyed by district id: live aggregates kept current by events from its households,
/// volunteers and visits (never by scanning), the uncovered list, and the clock that makes needs overdue.
/// </summary>
public interface IDistrictGrain : IGrainWithStringKey
{
    Task UpsertHousehold(HouseholdSummary household);

    /// <summary>The household moved to another district.</summary>
    Task RemoveHousehold(string householdId);

    Task UpsertVolunteer(VolunteerSummary volunteer);

    /// <summary>The volunteer moved to another district.</summary>
    Task RemoveVolunteer(string volunteerId);

    /// <summary>
    /// The ledger lane's delivery: committed events of one partition, in log order, applied in memory and their live
    /// events sent at once; stored with the district's next write (<see cref="DistrictOptions.FlushInterval"/>). When
    /// the district holds less of the partition than <paramref name="after"/> (the last event the lane gave it), it has
    /// lost events it had not stored (a new activation): it applies nothing and says so, and the lane sends them again.
    /// </summary>
    Task<LedgerProgress> Project(IReadOnlyList<Ledger.LedgerEvent> events, long after);

    /// <summary>Completes once everything the district holds of the partition is stored (a write if needed).</summary>
    Task<LedgerProgress> Stored(int partition);

    Task<DistrictSummary> GetSummary();

    /// <summary>Uncovered needs, oldest first.</summary>
    Task<IReadOnlyList<UncoveredNeed>> GetUncovered();

    Task<IReadOnlyList<HouseholdSummary>> GetHouseholds();

    Task<IReadOnlyList<VolunteerSummary>> GetVolunteers();

    Task<IReadOnlyList<ActiveVisit>> GetActiveVisits();

    /// <summary>
    /// Volunteers of this district ranked for a need, best first, names masked, each factor explained (服务匹配). Right after
    /// a cold activation this and the other matching calls wait for the volunteers' records at most
    /// <see cref="Matching.MatchingOptions.ReadyWait"/>, then throw <see cref="TimeoutException"/> (the API's 503).
    /// </summary>
    Task<IReadOnlyList<SuggestedVolunteer>> Suggest(Matching.MatchNeed need, int take);

    /// <summary>
    /// The suggestions kept ready for each need uncovered because its volunteer left or paused (also published, when
    /// the need became uncovered, as <see cref="Live.SuggestionsReadyEvent"/>), keyed by need id.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<SuggestedVolunteer>>> GetReadySuggestions();

    /// <summary>
    /// The proposed assignment of every uncovered need a pairing would cover, by min-cost max-flow over the live state:
    /// as many needs as possible, then the best total score, no volunteer above their capacity. Pairs nothing.
    /// </summary>
    Task<DistrictPlanView> Plan();

    /// <summary>Volunteers of this district who may take a menu order (<see cref="Orders.OrderEligibility"/>).</summary>
    Task<IReadOnlyList<string>> VolunteersEligibleFor(Orders.OrderMatch order);

    /// <summary>The orders (by id) this district's volunteer may take; none when the volunteer is not of this district.</summary>
    Task<IReadOnlyList<string>> OrdersEligibleFor(string volunteerId, IReadOnlyList<Orders.OrderMatch> orders);

    /// <summary>Visits due today (planned pairing slots), each due, started, late or done; by slot start.</summary>
    Task<IReadOnlyList<DueVisit>> GetDueToday();

    /// <summary>Wakes the district so its clock runs (startup, reminders).</summary>
    Task Wake();
}

/// <summary>Of one ledger partition: the last sequence a district holds (in memory) and the last it has stored.</summary>
[GenerateSerializer, Immutable]
public readonly record struct LedgerProgress([property: Id(0)] long Applied, [property: Id(1)] long Stored);
