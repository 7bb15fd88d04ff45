using Boai.Orleans.Ledger;
using Boai.Orleans.Model;

namespace Boai.Orleans.Volunteers;

/// <summary>
/// What a visit event does to a volunteer's balances: the one rule, used by the grain and by a rebuild from the ledger
/// alone. Pending hours wait for a decision; certified ones count toward the star level; rejected ones count nowhere.
/// </summary>
public static class VolunteerProjection
{
    public static void Apply(VolunteerState s, LedgerEvent e)
    {
        var v = e.Visit;
        switch (e.Step)
        {
            case VisitStep.CheckedIn:
                s.OpenVisits[v.VisitId] = new OpenVisit(v.VisitId, v.HouseholdId, v.CheckedInAt);
                break;
            case VisitStep.CheckedOut:
            case VisitStep.Backfilled:
                s.OpenVisits.Remove(v.VisitId);

                s.VisitCount++;
                if (s.LastServedAt is null || s.LastServedAt < v.CheckedOutAt)
                {
                    s.LastServedAt = v.CheckedOutAt;
                }

                if (!s.HouseholdsServed.Contains(v.HouseholdId))
                {
                    s.HouseholdsServed.Add(v.HouseholdId);
                }

                if (v.Status == VisitStatus.Certified)
                {
                    s.CertifiedHours = Math.Round(s.CertifiedHours + (v.Hours ?? 0), 2);
                }
                else
                {
                    s.PendingVisits[v.VisitId] = v.Hours ?? 0;
                }

                break;
            case VisitStep.Decided:
                if (s.PendingVisits.Remove(v.VisitId) && v.Status == VisitStatus.Certified)
                {
                    s.CertifiedHours = Math.Round(s.CertifiedHours + (v.Hours ?? 0), 2);
                }

                break;
        }
    }
}
