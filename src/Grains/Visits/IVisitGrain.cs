using Boai.Orleans.Model;

namespace Boai.Orleans.Visits;

/// <summary>
/// One visit, keyed by its <see cref="VisitKey"/> (the volunteer and the id their phone made for it), so a retried
/// request finds the first answer and two volunteers whose phones chose one id never meet.
/// Check-in and check-out are idempotent: the same request answers the same; a different one is a conflict.
/// </summary>
public interface IVisitGrain : IGrainWithStringKey
{
    Task<Outcome<VisitView>> CheckIn(CheckIn request);

    Task<Outcome<VisitView>> CheckOut(CheckOut request);

    Task<VisitView?> Get();

    /// <summary>Certifies the hours; the coordinator who back-filled the visit may not (a conflict with <see cref="VisitRules.SecondPersonRequired"/>).</summary>
    Task<Outcome<VisitView>> Certify(string by);

    Task<Outcome<VisitView>> Reject(string by, string reason);

    /// <summary>
    /// Records a visit after the fact: the household and the volunteer in the caller's districts, the volunteer serving
    /// the household or of its district, times in order and bounded (<see cref="Rules.BackfillRules"/>). Certified at
    /// once within the limits; otherwise pending until a second person certifies it.
    /// </summary>
    Task<Outcome<VisitView>> Backfill(Backfill request);
}

public static class VisitRules
{
    /// <summary>The code of the conflict a back-fill's own coordinator gets when certifying it (四眼原则).</summary>
    public const string SecondPersonRequired = "secondPersonRequired";
}
