using Boai.Orleans.Model;

namespace Boai.Orleans.Volunteers;

/// <summary>A volunteer (义工), keyed by volunteer id: profile, status, pairings, the visit in progress and hour balances.</summary>
public interface IVolunteerGrain : IGrainWithStringKey
{
    /// <summary>Creates or replaces the record. Leaving or pausing uncovers every need the volunteer served.</summary>
    Task<Outcome<VolunteerView>> Upsert(VolunteerProfile profile, string by);

    Task<VolunteerView?> Get();

    Task<VolunteerHours?> GetHours();

    Task<Outcome<VolunteerView>> AddTraining(Training training);

    Task<Outcome<VolunteerView>> Rate(Rating rating);

    /// <summary>
    /// Holds a visit in progress (in memory, until its check-in event arrives or <see cref="EndVisit"/>); refuses a
    /// second one while another is open.
    /// </summary>
    Task<Outcome<bool>> BeginVisit(string visitId, string householdId, DateTimeOffset at);

    /// <summary>The visit was checked out, or its check-in was not stored: no longer in progress.</summary>
    Task EndVisit(string visitId);

    /// <summary>
    /// A step of the volunteer's visit is in the ledger (told by the visit, in memory): reads count it at once, before
    /// the ledger delivers it to <see cref="Apply"/>.
    /// </summary>
    Task Committed(Ledger.LedgerEvent e);

    /// <summary>
    /// Committed visit events of the volunteer, in log order; completes once they are applied in memory (written behind:
    /// an activation catches up from the ledger). Idempotent.
    /// </summary>
    Task Apply(IReadOnlyList<Ledger.LedgerEvent> events);

    Task PairingStarted(PairingRef pairing);

    Task PairingEnded(string pairingId);
}
