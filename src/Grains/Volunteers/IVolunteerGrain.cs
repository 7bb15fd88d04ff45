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

    /// <summary>Marks a visit in progress; refuses a second one while another is open.</summary>
    Task<Outcome<bool>> BeginVisit(string visitId, string householdId, DateTimeOffset at);

    /// <summary>Records a finished visit's hours, pending or certified. Idempotent per visit.</summary>
    Task RecordVisit(string visitId, string householdId, DateTimeOffset checkedOutAt, double hours, VisitStatus status);

    /// <summary>Applies a coordinator's decision on a pending visit. Idempotent per visit.</summary>
    Task ApplyDecision(string visitId, double hours, VisitStatus decision);

    Task PairingStarted(PairingRef pairing);

    Task PairingEnded(string pairingId);
}
