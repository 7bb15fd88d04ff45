using Boai.Orleans.Live;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Districts;

/// <summary>
/// The district's visits due today (planned pairing slots, <see cref="DueTodayRules"/>) and the clock that makes them
/// late: planned from the households' summaries, started and done by check-ins and check-outs, dropped at midnight.
/// </summary>
internal sealed class DistrictDueToday(string districtId, IDistrictStore store, List<LiveEvent> outbox, TimeZoneInfo zone, ServiceRulesOptions rules)
{
    private readonly Dictionary<string, DueVisit> _due = new(StringComparer.Ordinal);
    private DateOnly _today;

    public int Count => _due.Count;

    public int Late => _due.Values.Count(d => d.State == DueVisitState.Late);

    public void Start(DateOnly today) => _today = today;

    /// <summary>Takes a stored due visit; one of an earlier day is deleted.</summary>
    public bool Load(DistrictRow row)
    {
        if (row.Kind != DistrictRowKind.Due)
        {
            return false;
        }

        var due = (DueVisit)row.Value;
        if (row.Tag == _today.ToString("O"))
        {
            _due[due.PairingId] = due;
        }
        else
        {
            store.Delete(DistrictRowKind.Due, due.PairingId);
        }

        return true;
    }

    /// <summary>A new day: yesterday's list goes, and today's is planned from every household.</summary>
    public void NewDay(DateOnly today, IEnumerable<HouseholdSummary> households)
    {
        _today = today;
        foreach (var pairingId in _due.Keys.ToList())
        {
            Remove(pairingId);
        }

        foreach (var household in households)
        {
            Plan(household);
        }
    }

    /// <summary>
    /// Brings the household's visits due today in line with its planned slots. A visit already checked in stays as it
    /// is; one still waiting follows its pairing (moved, ended or suspended).
    /// </summary>
    public void Plan(HouseholdSummary household)
    {
        var plans = (household.Planned ?? [])
            .Select(p => DueTodayRules.Plan(p, household.HouseholdId, _today, zone, rules))
            .OfType<DueVisit>()
            .ToDictionary(d => d.PairingId, StringComparer.Ordinal);
        foreach (var existing in _due.Values.Where(d => d.HouseholdId == household.HouseholdId).ToList())
        {
            if (!plans.Remove(existing.PairingId, out var plan))
            {
                if (existing.Waiting)
                {
                    Remove(existing.PairingId);
                }
            }
            else if (existing.Waiting && (plan.SlotStart != existing.SlotStart || plan.SlotEnd != existing.SlotEnd || plan.VolunteerId != existing.VolunteerId))
            {
                Put(plan);
            }
        }

        foreach (var plan in plans.Values)
        {
            Put(plan);
        }
    }

    /// <summary>The household left the district: its visits not started yet go.</summary>
    public void RemoveHousehold(string householdId)
    {
        foreach (var due in _due.Values.Where(d => d.HouseholdId == householdId && d.Waiting).ToList())
        {
            Remove(due.PairingId);
        }
    }

    /// <summary>The volunteer's earliest visit due here today that nobody has checked in yet has started.</summary>
    public void CheckedIn(ActiveVisit visit)
    {
        if (TimeZones.LocalDate(visit.At, zone) != _today)
        {
            return;
        }

        var due = _due.Values
            .Where(d => d.Waiting && d.HouseholdId == visit.HouseholdId && d.VolunteerId == visit.VolunteerId)
            .OrderBy(d => d.SlotStart)
            .FirstOrDefault();
        if (due is not null)
        {
            Put(due with { VisitId = visit.VisitId, CheckedInAt = visit.At });
        }
    }

    public void CheckedOut(string visitId, DateTimeOffset checkedOutAt)
    {
        if (_due.Values.FirstOrDefault(d => d.VisitId == visitId) is { CheckedOutAt: null } started)
        {
            Put(started with { CheckedOutAt = checkedOutAt });
        }
    }

    /// <summary>Marks late every due visit whose slot started more than the grace ago without a check-in; true when any did.</summary>
    public bool Advance(DateTimeOffset now)
    {
        var changed = false;
        foreach (var planned in _due.Values.ToList())
        {
            if (DueTodayRules.Advance(planned, now) is { LateSince: { } since } late && planned.LateSince is null)
            {
                Put(late);
                outbox.Add(new VisitLateEvent
                {
                    DistrictId = districtId,
                    NeedId = late.NeedId,
                    HouseholdId = late.HouseholdId,
                    VolunteerId = late.VolunteerId,
                    SlotStart = late.SlotStart,
                    Since = since,
                });
                changed = true;
            }
        }

        return changed;
    }

    /// <summary>As the clock last recorded it, so the list, the summary and the <c>visitLate</c> events agree.</summary>
    public IReadOnlyList<DueVisit> List() =>
        _due.Values.OrderBy(d => d.SlotStart).ThenBy(d => d.PairingId, StringComparer.Ordinal).ToList();

    private void Put(DueVisit due)
    {
        _due[due.PairingId] = due;
        store.Put(DistrictRowKind.Due, due.PairingId, due, _today.ToString("O"));
    }

    private void Remove(string pairingId)
    {
        _due.Remove(pairingId);
        store.Delete(DistrictRowKind.Due, pairingId);
    }
}
