using Boai.Orleans.Model;

namespace Boai.Orleans.Households;

/// <summary>A household (家庭) keyed by household id: its file, needs, pairings per need, visits and coverage.</summary>
public interface IHouseholdGrain : IGrainWithStringKey
{
    Task<Outcome<HouseholdFile>> Upsert(HouseholdProfile profile, string by);

    Task<HouseholdFile?> Get();

    /// <summary>The household's district, or null when the household does not exist.</summary>
    Task<string?> GetDistrict();

    Task<Outcome<NeedView>> AddNeed(NewNeed need);

    Task<Outcome<NeedView>> CloseNeed(string needId, string by);

    Task<NeedView?> GetNeed(string needId);

    Task<Outcome<PairingView>> CreatePairing(string volunteerId, string needId, string by);

    /// <summary>Creates the pairing with a planned weekly visit slot; for an existing pairing of the same volunteer and need, sets its slot.</summary>
    Task<Outcome<PairingView>> CreatePairing(string volunteerId, string needId, string by, WeeklySlot? slot);

    Task<Outcome<PairingView>> EndPairing(string pairingId, string by);

    Task<PairingView?> GetPairing(string pairingId);

    /// <summary>Suspends (paused), resumes (active) or ends (left) the volunteer's pairings here.</summary>
    Task VolunteerStatusChanged(string volunteerId, VolunteerStatus status);

    /// <summary>Whether the volunteer may visit, and what the visit needs to know; 403/404 otherwise.</summary>
    Task<Outcome<VisitContext>> GetVisitContext(string volunteerId, string? needId);

    /// <summary>Records a finished visit against the needs it served. Idempotent per visit.</summary>
    Task VisitCompleted(VisitBrief visit);

    /// <summary>A major change (hospitalised, bereaved, moved...) calls for a visit within 24 h.</summary>
    Task<Outcome<HouseholdFile>> ReportMajorChange(string note, string by);

    /// <summary>Re-evaluates coverage against the clock; called when a due time passes.</summary>
    Task RefreshCoverage();
}
