using Boai.Orleans.Model;
using Orleans.Concurrency;

namespace Boai.Orleans.Households;

/// <summary>A household (家庭) keyed by household id: its file, needs, pairings per need, visits and coverage.</summary>
public interface IHouseholdGrain : Ledger.ILedgerProjection
{
    Task<Outcome<HouseholdFile>> Upsert(HouseholdProfile profile, string by);

    Task<HouseholdFile?> Get();

    /// <summary>The household's district, or null when the household does not exist.</summary>
    Task<string?> GetDistrict();

    Task<Outcome<NeedView>> AddNeed(NewNeed need);

    Task<Outcome<NeedView>> CloseNeed(string needId, string by);

    Task<NeedView?> GetNeed(string needId);

    Task<Outcome<PairingView>> CreatePairing(string volunteerId, string needId, string by);

    /// <summary>
    /// A pairing proposed by a district plan (<see cref="Districts.IDistrictGrain.Plan"/>): as <see cref="CreatePairing(string, string, string)"/>,
    /// but refused (409, with a <see cref="PairingRefusals"/> code) when an active pairing already serves the need or the
    /// volunteer has <paramref name="maxPairingsOfVolunteer"/> pairings. The same volunteer and need again answers the
    /// existing pairing, not a new one.
    /// </summary>
    Task<Outcome<PairingView>> CreatePlannedPairing(string volunteerId, string needId, int maxPairingsOfVolunteer, string by);

    /// <summary>Creates the pairing with a planned weekly visit slot; for an existing pairing of the same volunteer and need, sets its slot.</summary>
    Task<Outcome<PairingView>> CreatePairing(string volunteerId, string needId, string by, WeeklySlot? slot);

    Task<Outcome<PairingView>> EndPairing(string pairingId, string by);

    Task<PairingView?> GetPairing(string pairingId);

    /// <summary>Suspends (paused), resumes (active) or ends (left) the volunteer's pairings here.</summary>
    Task VolunteerStatusChanged(string volunteerId, VolunteerStatus status);

    /// <summary>
    /// Whether the volunteer may visit, and what the visit needs to know; 403/404 otherwise. As of the household's
    /// stored state, and interleaved with its other calls: a check-in does not wait for the household's writes.
    /// </summary>
    [AlwaysInterleave]
    Task<Outcome<VisitContext>> GetVisitContext(string volunteerId, string? needId);

    /// <summary>A major change (hospitalised, bereaved, moved...) calls for a visit within 24 h.</summary>
    Task<Outcome<HouseholdFile>> ReportMajorChange(string note, string by);

    /// <summary>Re-evaluates coverage against the clock; called when a due time passes.</summary>
    Task RefreshCoverage();

    /// <summary>The id of the household's next menu order (<see cref="Ids.OrderId"/>); 404 when the household does not exist.</summary>
    Task<Outcome<string>> ReserveOrderId();

    /// <summary>An order of this household changed: it counts for coverage and lets its volunteer visit. Idempotent.</summary>
    Task OrderChanged(Orders.OrderRef order);
}

/// <summary>Why a pairing was refused, as <see cref="Failure.Code"/>: the words of an accepted plan's per-proposal results.</summary>
public static class PairingRefusals
{
    /// <summary>An active pairing already serves the need (covered meanwhile, or the plan accepted before).</summary>
    public const string NeedCovered = "needCovered";

    public const string NeedClosed = "needClosed";

    /// <summary>The volunteer paused or left.</summary>
    public const string VolunteerInactive = "volunteerInactive";

    /// <summary>The volunteer has as many pairings as <c>Matching:MaxPairingsPerVolunteer</c> allows.</summary>
    public const string VolunteerAtCapacity = "volunteerAtCapacity";
}
