using Boai.Orleans.Model;

namespace Boai.Orleans.Ledger;

/// <summary>A finished visit as the hours ledger keeps it: immutable once written.</summary>
public sealed record LedgerEntry(
    string VisitId,
    string VolunteerId,
    string HouseholdId,
    string DistrictId,
    string? NeedId,
    DateTimeOffset CheckedInAt,
    DateTimeOffset CheckedOutAt,
    int DurationMinutes,
    double Hours,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Services,
    string? Notes,
    bool Backfilled,
    string? BackfillReason,
    DateTimeOffset RecordedAt);

/// <summary>A coordinator's decision on a visit (or the automatic certification of a clean one); a record of its own.</summary>
public sealed record LedgerDecision(
    string VisitId,
    string VolunteerId,
    string DistrictId,
    DateTimeOffset CheckedInAt,
    VisitStatus Decision,
    string By,
    DateTimeOffset At,
    string? Reason);

/// <summary>A visit with its latest decision, as reports read it.</summary>
public sealed record LedgerVisit(LedgerEntry Entry, LedgerDecision? Decision)
{
    public VisitStatus Status => Decision?.Decision ?? VisitStatus.CheckedOut;
}

public sealed record LedgerBalance(double CertifiedHours, double PendingHours, int Visits)
{
    /// <summary>A volunteer's balance from the ledger alone: certified visits count, rejected ones do not.</summary>
    public static LedgerBalance From(IEnumerable<LedgerVisit> visits)
    {
        double certified = 0, pending = 0;
        var count = 0;
        foreach (var v in visits)
        {
            count++;
            switch (v.Status)
            {
                case VisitStatus.Certified:
                    certified += v.Entry.Hours;
                    break;
                case VisitStatus.CheckedOut:
                    pending += v.Entry.Hours;
                    break;
            }
        }

        return new LedgerBalance(Math.Round(certified, 2), Math.Round(pending, 2), count);
    }
}

/// <summary>The hours ledger (志愿服务记录): every finished visit, durable before its check-out is acknowledged.</summary>
public interface IVisitLedger
{
    Task AppendAsync(LedgerEntry entry, CancellationToken cancellationToken = default);

    Task AppendDecisionAsync(LedgerDecision decision, CancellationToken cancellationToken = default);

    IAsyncEnumerable<LedgerVisit> ReadVolunteerAsync(string volunteerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default);

    IAsyncEnumerable<LedgerVisit> ReadDistrictAsync(string districtId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}
