using System.Runtime.CompilerServices;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;

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
    DateTimeOffset RecordedAt,
    string? BackfilledBy = null);

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

/// <summary>The hours ledger (志愿服务记录) as reports read it: every finished visit with its latest decision.</summary>
public interface IVisitLedger
{
    IAsyncEnumerable<LedgerVisit> ReadVolunteerAsync(string volunteerId, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default);

    IAsyncEnumerable<LedgerVisit> ReadDistrictAsync(string districtId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>Finished visits read from the ledger's events: each visit's latest event is the visit.</summary>
public sealed class VisitLedger(IVisitLog log) : IVisitLedger
{
    public async IAsyncEnumerable<LedgerVisit> ReadVolunteerAsync(
        string volunteerId, DateTimeOffset? from = null, DateTimeOffset? to = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var visit in await LatestAsync(log.ReadVolunteerAsync(volunteerId, cancellationToken), from, to, cancellationToken))
        {
            yield return visit;
        }
    }

    public async IAsyncEnumerable<LedgerVisit> ReadDistrictAsync(
        string districtId, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var visit in await LatestAsync(log.ReadAllAsync(districtId, cancellationToken), from, to, cancellationToken))
        {
            yield return visit;
        }
    }

    /// <summary>The ledger's view of one finished visit, as reports and certificates count it.</summary>
    public static LedgerVisit ToLedgerVisit(VisitRecord v) => new(
        new LedgerEntry(
            v.VisitId, v.VolunteerId, v.HouseholdId, v.DistrictId, v.NeedId, v.CheckedInAt, v.CheckedOutAt ?? v.CheckedInAt,
            v.DurationMinutes ?? 0, v.Hours ?? 0, v.Flags, v.Services, v.Notes, v.Backfilled, v.BackfillReason, v.CheckOutReceivedAt ?? v.CheckInReceivedAt, v.BackfilledBy),
        v.DecidedBy is null || v.Status is VisitStatus.CheckedIn or VisitStatus.CheckedOut
            ? null
            : new LedgerDecision(v.VisitId, v.VolunteerId, v.DistrictId, v.CheckedInAt, v.Status, v.DecidedBy, v.DecidedAt ?? v.CheckOutReceivedAt ?? v.CheckInReceivedAt, v.DecisionReason));

    private static async Task<List<LedgerVisit>> LatestAsync(IAsyncEnumerable<LedgerEvent> events, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<VisitKey, LedgerEvent>();
        await foreach (var e in events.WithCancellation(cancellationToken))
        {
            var at = e.Visit.CheckedInAt;
            if ((from is { } f && at < f) || (to is { } t && at >= t))
            {
                continue;
            }

            if (!latest.TryGetValue(e.Visit.Key, out var seen) || seen.Seq < e.Seq)
            {
                latest[e.Visit.Key] = e;
            }
        }

        return latest.Values.Where(e => e.Visit.Finished).OrderBy(e => e.Visit.CheckedInAt).Select(e => ToLedgerVisit(e.Visit)).ToList();
    }
}
