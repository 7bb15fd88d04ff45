using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;

namespace Boai.Orleans.Districts;

/// <summary>
/// The district's live projection and its summary: households and volunteers as they last reported themselves, visits
/// in progress, today's check-ins and this month's hours. Keeps its rows in the district's store and puts the live
/// events of each change in the district's outbox, in the order the changes were made.
/// </summary>
internal sealed class DistrictLive(DistrictInfo info, IDistrictStore store, List<LiveEvent> outbox, TimeZoneInfo zone, ServiceRulesOptions rules)
{
    private readonly Dictionary<string, ActiveVisit> _active = new(StringComparer.Ordinal);
    private readonly HashSet<string> _checkInsToday = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _hoursThisMonth = new(StringComparer.Ordinal);

    public Dictionary<string, HouseholdSummary> Households { get; } = new(StringComparer.Ordinal);

    /// <summary>The volunteers' whole records: read after the activation (<see cref="IDistrictStore.ReadVolunteersAsync"/>, adopted on the grain's turn).</summary>
    public Dictionary<string, VolunteerSummary> Volunteers { get; } = new(StringComparer.Ordinal);

    /// <summary>What the summary counts of each volunteer; read with the activation.</summary>
    public Dictionary<string, VolunteerActivity> Activity { get; } = new(StringComparer.Ordinal);

    public LedgerPositions Ledger { get; } = new();

    public DateOnly Today { get; private set; }

    public string Month { get; private set; } = "";

    private string DistrictId => info.DistrictId;

    /// <summary>Sets the calendar before the rows are read, so rows of an earlier day or month are dropped.</summary>
    public void Start(DateTimeOffset now)
    {
        Today = TimeZones.LocalDate(now, zone);
        Month = MonthOf(now);
    }

    /// <summary>Takes a stored row of its kinds; false for kinds it does not keep.</summary>
    public bool Load(DistrictRow row)
    {
        switch (row.Kind)
        {
            case DistrictRowKind.Household:
                Households[row.Id] = (HouseholdSummary)row.Value;
                return true;
            case DistrictRowKind.Volunteer:
                var v = (VolunteerSummary)row.Value;
                Volunteers[row.Id] = v;
                if (!Activity.ContainsKey(row.Id))
                {
                    // Stored before volunteers' activity was kept apart: made now, stored with the next write.
                    PutActivity(v);
                }

                return true;
            case DistrictRowKind.Activity:
                Activity[row.Id] = (VolunteerActivity)row.Value;
                return true;
            case DistrictRowKind.Active:
                var a = (ActiveVisit)row.Value;
                _active[KeyOf(a)] = a;
                if (row.Id != KeyOf(a))
                {
                    // Stored under the bare visit id before visits were scoped by volunteer: moved with the next write.
                    store.Delete(DistrictRowKind.Active, row.Id);
                    store.Put(DistrictRowKind.Active, KeyOf(a), a);
                }
                return true;
            case DistrictRowKind.Today when row.Tag == Today.ToString("O"):
                _checkInsToday.Add((string)row.Value);
                return true;
            case DistrictRowKind.Today:
                store.Delete(DistrictRowKind.Today, row.Id);
                return true;
            case DistrictRowKind.Month when row.Tag == Month:
                var m = (MonthVisit)row.Value;
                _hoursThisMonth[row.Id] = m.Hours;
                return true;
            case DistrictRowKind.Month:
                store.Delete(DistrictRowKind.Month, row.Id);
                return true;
            case DistrictRowKind.Position:
                Ledger.Applied[int.Parse(row.Id, System.Globalization.CultureInfo.InvariantCulture)] = (long)row.Value;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Stores the household's new summary; returns the one it replaces. Coverage events go to the outbox.</summary>
    public HouseholdSummary? UpsertHousehold(HouseholdSummary household, DateTimeOffset now, Action<UncoveredNeed> uncovered, Action<string> covered)
    {
        Households.TryGetValue(household.HouseholdId, out var previous);
        Households[household.HouseholdId] = household;
        store.Put(DistrictRowKind.Household, household.HouseholdId, household);
        AddCoverageEvents(previous?.Uncovered ?? [], household.HouseholdId, household.Uncovered, now, uncovered, covered);
        return previous;
    }

    public bool RemoveHousehold(string householdId, DateTimeOffset now, Action<UncoveredNeed> uncovered, Action<string> covered)
    {
        if (!Households.Remove(householdId, out var previous))
        {
            return false;
        }

        store.Delete(DistrictRowKind.Household, householdId);
        AddCoverageEvents(previous.Uncovered, householdId, [], now, uncovered, covered);
        return true;
    }

    /// <summary>Stores the volunteer's new summary; returns the one it replaces.</summary>
    public VolunteerSummary? UpsertVolunteer(VolunteerSummary volunteer)
    {
        Volunteers.TryGetValue(volunteer.VolunteerId, out var previous);
        Volunteers[volunteer.VolunteerId] = volunteer;
        store.Put(DistrictRowKind.Volunteer, volunteer.VolunteerId, volunteer);
        PutActivity(volunteer);
        return previous;
    }

    /// <summary>Removes a volunteer of the district; before their records are read, their activity row says they are one.</summary>
    public bool RemoveVolunteer(string volunteerId)
    {
        if (!(Volunteers.Remove(volunteerId) | Activity.ContainsKey(volunteerId)))
        {
            return false;
        }

        store.Delete(DistrictRowKind.Volunteer, volunteerId);
        Activity.Remove(volunteerId);
        store.Delete(DistrictRowKind.Activity, volunteerId);
        return true;
    }

    private void PutActivity(VolunteerSummary volunteer)
    {
        var activity = VolunteerActivity.Of(volunteer);
        if (!Activity.TryGetValue(volunteer.VolunteerId, out var stored) || stored != activity)
        {
            Activity[volunteer.VolunteerId] = activity;
            store.Put(DistrictRowKind.Activity, volunteer.VolunteerId, activity);
        }
    }

    /// <summary>
    /// A visit's key among the district's lists and rows: phones choose visit ids per volunteer, so two volunteers of one
    /// district may use the same id; rows stored before carry the bare id and are read back under their row id.
    /// </summary>
    private static string KeyOf(ActiveVisit visit) => visit.VolunteerId + "|" + visit.VisitId;

    /// <summary>Counts a committed check-in once; true when it was new (then its event is in the outbox).</summary>
    public bool VisitCheckedIn(ActiveVisit visit)
    {
        var key = KeyOf(visit);
        if (_active.ContainsKey(key) || _hoursThisMonth.ContainsKey(key))
        {
            return false;
        }

        _active[key] = visit;
        store.Put(DistrictRowKind.Active, key, visit);
        if (TimeZones.LocalDate(visit.At, zone) == Today)
        {
            _checkInsToday.Add(key);
            store.Put(DistrictRowKind.Today, key, key, Today.ToString("O"));
        }

        outbox.Add(new VisitCheckedInEvent
        {
            DistrictId = DistrictId,
            VisitId = visit.VisitId,
            VolunteerId = visit.VolunteerId,
            HouseholdId = visit.HouseholdId,
            At = visit.At,
        });
        return true;
    }

    public void VisitCheckedOut(ActiveVisit visit, DateTimeOffset checkedOutAt, double hours)
    {
        var key = KeyOf(visit);
        _active.Remove(key);
        store.Delete(DistrictRowKind.Active, key);
        if (MonthOf(checkedOutAt) == Month)
        {
            _hoursThisMonth[key] = hours;
            store.Put(DistrictRowKind.Month, key, new MonthVisit(key, hours), Month);
        }

        outbox.Add(new VisitCheckedOutEvent
        {
            DistrictId = DistrictId,
            VisitId = visit.VisitId,
            VolunteerId = visit.VolunteerId,
            HouseholdId = visit.HouseholdId,
            At = checkedOutAt,
            Hours = hours,
        });
    }

    /// <summary>Starts a new day or month of counting; returns (new day, anything changed).</summary>
    public (bool NewDay, bool Changed) RollCalendar(DateTimeOffset now)
    {
        var newDay = false;
        var today = TimeZones.LocalDate(now, zone);
        if (today != Today)
        {
            foreach (var visitId in _checkInsToday)
            {
                store.Delete(DistrictRowKind.Today, visitId);
            }

            _checkInsToday.Clear();
            Today = today;
            newDay = true;
        }

        var month = MonthOf(now);
        var newMonth = false;
        if (month != Month)
        {
            foreach (var visitId in _hoursThisMonth.Keys)
            {
                store.Delete(DistrictRowKind.Month, visitId);
            }

            _hoursThisMonth.Clear();
            Month = month;
            newMonth = true;
        }

        return (newDay, newDay || newMonth);
    }

    public IReadOnlyList<UncoveredNeed> Uncovered() =>
        Households.Values.SelectMany(h => h.Uncovered).OrderBy(u => u.Since).ThenBy(u => u.NeedId, StringComparer.Ordinal).ToList();

    public IReadOnlyList<ActiveVisit> ActiveVisits() => _active.Values.OrderBy(a => a.At).ToList();

    public DistrictSummary Summary(DateTimeOffset now, int dueToday, int lateToday)
    {
        var openNeeds = 0;
        var uncovered = 0;
        foreach (var h in Households.Values)
        {
            openNeeds += h.OpenNeeds;
            uncovered += h.Uncovered.Count;
        }

        var activeSince = now - rules.ActiveVolunteerWindow;
        var registered = 0;
        var active = 0;
        foreach (var v in Activity.Values)
        {
            if (!v.Registered)
            {
                continue;
            }

            registered++;
            if (v.LastServedAt >= activeSince)
            {
                active++;
            }
        }

        Telemetry.UncoveredNeedsNow(DistrictId, uncovered);
        return new DistrictSummary(
            DistrictId,
            info.Name,
            info.NameEn,
            Households.Count,
            openNeeds,
            uncovered,
            _active.Count,
            _checkInsToday.Count,
            Math.Round(_hoursThisMonth.Values.Sum(), 2),
            registered,
            active,
            registered == 0 ? 0 : Math.Round(active / (double)registered, 3),
            openNeeds == 0 ? 1 : Math.Round(1 - (Math.Min(uncovered, openNeeds) / (double)openNeeds), 3),
            dueToday,
            lateToday);
    }

    private void AddCoverageEvents(
        IReadOnlyList<UncoveredNeed> before, string householdId, IReadOnlyList<UncoveredNeed> after, DateTimeOffset now, Action<UncoveredNeed> uncovered, Action<string> covered)
    {
        var previous = before.ToDictionary(u => u.NeedId, StringComparer.Ordinal);
        foreach (var need in after)
        {
            if (!previous.Remove(need.NeedId, out var old) || old.Reason != need.Reason || old.Since != need.Since)
            {
                uncovered(need);
                outbox.Add(new NeedUncoveredEvent
                {
                    DistrictId = DistrictId,
                    NeedId = need.NeedId,
                    HouseholdId = householdId,
                    Reason = need.Reason.ToContract(),
                    Since = need.Since,
                    ItemId = need.ItemId,
                    Category = need.Category,
                });
                if (need.Reason == UncoveredReason.OrderUnclaimed)
                {
                    // Unclaimed too long: the district's coordinators are told, beside the uncovered list.
                    outbox.Add(new OrderEscalatedEvent
                    {
                        DistrictId = DistrictId, OrderId = need.NeedId, HouseholdId = householdId, ItemId = need.ItemId, Since = need.Since,
                    });
                }
            }
        }

        foreach (var old in previous.Values)
        {
            covered(old.NeedId);
            outbox.Add(new NeedCoveredEvent { DistrictId = DistrictId, NeedId = old.NeedId, HouseholdId = householdId, At = now });
        }
    }

    private string MonthOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, zone).ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);
}
