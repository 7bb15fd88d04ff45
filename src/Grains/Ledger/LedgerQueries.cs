using Boai.Orleans.Model;

namespace Boai.Orleans.Ledger;

/// <summary>Questions the certification queue asks the hours ledger, answered through its read interface alone.</summary>
public static class LedgerQueries
{
    /// <summary>
    /// A district's finished visits still waiting for a coordinator's decision, checked in within
    /// [<paramref name="from"/>, <paramref name="to"/>), oldest first.
    /// </summary>
    public static async Task<IReadOnlyList<LedgerVisit>> PendingInDistrictAsync(
        this IVisitLedger ledger, string districtId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var pending = new List<LedgerVisit>();
        await foreach (var visit in ledger.ReadDistrictAsync(districtId, from, to, cancellationToken))
        {
            if (visit.Status == VisitStatus.CheckedOut)
            {
                pending.Add(visit);
            }
        }

        return pending
            .OrderBy(v => v.Entry.CheckedInAt)
            .ThenBy(v => v.Entry.VisitId, StringComparer.Ordinal)
            .ToList();
    }
}
