using Boai.Orleans.Model;

namespace Boai.Orleans.Visits;

/// <summary>
/// One visit, keyed by the id the phone made for it, so a retried request finds the first answer.
/// Check-in and check-out are idempotent: the same request answers the same; a different one is a conflict.
/// </summary>
public interface IVisitGrain : IGrainWithStringKey
{
    Task<Outcome<VisitView>> CheckIn(CheckIn request);

    Task<Outcome<VisitView>> CheckOut(CheckOut request);

    Task<VisitView?> Get();

    Task<Outcome<VisitView>> Certify(string by);

    Task<Outcome<VisitView>> Reject(string by, string reason);

    Task<Outcome<VisitView>> Backfill(Backfill request);
}
