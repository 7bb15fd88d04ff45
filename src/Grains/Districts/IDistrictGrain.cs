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

    Task VisitCheckedIn(ActiveVisit visit);

    Task VisitCheckedOut(ActiveVisit visit, DateTimeOffset checkedOutAt, double hours);

    Task<DistrictSummary> GetSummary();

    /// <summary>Uncovered needs, oldest first.</summary>
    Task<IReadOnlyList<UncoveredNeed>> GetUncovered();

    Task<IReadOnlyList<HouseholdSummary>> GetHouseholds();

    Task<IReadOnlyList<VolunteerSummary>> GetVolunteers();

    Task<IReadOnlyList<ActiveVisit>> GetActiveVisits();

    /// <summary>Visits due today (planned pairing slots), each due, started, late or done; by slot start.</summary>
    Task<IReadOnlyList<DueVisit>> GetDueToday();

    /// <summary>Volunteers of this district ranked for a need, best first, each factor explained (服务匹配).</summary>
    Task<IReadOnlyList<Matching.Suggestion>> Suggest(Matching.MatchNeed need, int take);

    /// <summary>Wakes the district so its clock runs (startup, reminders).</summary>
    Task Wake();
}
