namespace Boai.Orleans.Districts;

/// <summary>
/// A district (镇区), keyed by district id: live aggregates kept current by events from its households,
/// volunteers and visits (never by scanning), the uncovered list, and the clock that makes needs overdue.
/// </summary>
public interface IDistrictGrain : Ledger.ILedgerProjection
{
    Task UpsertHousehold(HouseholdSummary household);

    /// <summary>The household moved to another district.</summary>
    Task RemoveHousehold(string householdId);

    Task UpsertVolunteer(VolunteerSummary volunteer);

    /// <summary>The volunteer moved to another district.</summary>
    Task RemoveVolunteer(string volunteerId);

    /// <summary>
    /// A summary that only the ledger's lanes wait for (it follows from committed events): applied and sent to
    /// dashboards at once, stored with the district's next write (<see cref="DistrictOptions.FlushInterval"/>). Answers
    /// at once with the ticket that <see cref="SummaryStored"/> waits for.
    /// </summary>
    Task<SummaryTicket> UpsertHouseholdBehind(HouseholdSummary household);

    /// <summary>As <see cref="UpsertHouseholdBehind"/>, for a volunteer's summary after their visit events.</summary>
    Task<SummaryTicket> UpsertVolunteerBehind(VolunteerSummary volunteer);

    /// <summary>
    /// Completes once the summary of <paramref name="ticket"/> is stored: true; false when this activation never had it
    /// (the district was activated again before storing it), and the sender sends it again. Throws when the write failed.
    /// </summary>
    Task<bool> SummaryStored(SummaryTicket ticket);

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

/// <summary>A summary written behind: the district activation that took it, and its place among that activation's changes.</summary>
[GenerateSerializer, Immutable]
public readonly record struct SummaryTicket([property: Id(0)] Guid Activation, [property: Id(1)] long Change);
