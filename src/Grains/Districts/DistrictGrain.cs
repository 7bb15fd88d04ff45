using Boai.Orleans.Catalogue;
using System.Collections.Immutable;
using System.Globalization;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Live;
using Boai.Orleans.Matching;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Boai.Orleans.Districts;

/// <summary>
/// Live aggregates of one district, kept current by whole snapshots from its households and volunteers and by visit
/// events: a repeated message changes nothing. Reentrant so that concurrent updates share one storage write
/// (<see cref="GroupCommit"/>); each update is acknowledged only once written, and its live events go out after that.
/// </summary>
[Reentrant]
public sealed partial class DistrictGrain : Grain, IDistrictGrain, IRemindable
{
    private const string ClockReminder = "district-clock";
    private readonly Dictionary<string, HouseholdSummary> _households = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VolunteerSummary> _volunteers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ActiveVisit> _active = new(StringComparer.Ordinal);
    private readonly HashSet<string> _checkInsToday = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _hoursThisMonth = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DueVisit> _dueToday = new(StringComparer.Ordinal);
    private readonly List<LiveEvent> _outbox = [];
    private readonly LedgerPositions _ledger = new();
    private readonly BoaiTables _tables;
    private readonly TimeProvider _time;
    private readonly ServiceRulesOptions _rules;
    private readonly DistrictClockOptions _clock;
    private readonly DistrictInfo _info;
    private readonly ILogger<DistrictGrain> _logger;
    private readonly TimeZoneInfo _zone;
    private readonly DistrictProjection _projection;
    private readonly GroupCommit _commit;
    private readonly Matcher _matcher;
    private readonly DistrictPlanner _planner;
    private readonly MatchingOptions _matching;
    private readonly OrderEligibility _orderEligibility;
    private readonly ServiceCatalogue _catalogue;
    private DateOnly _today;
    private string _month = "";
    private DistrictSummary? _lastPublished;
    private bool _refreshing;

    public DistrictGrain(
        BoaiTables tables,
        TimeProvider time,
        IOptions<ServiceRulesOptions> rules,
        IOptions<DistrictClockOptions> clock,
        IOptions<MatchingOptions> matching,
        DistrictDirectory directory,
        ServiceCatalogue catalogue,
        ILogger<DistrictGrain> logger)
    {
        _catalogue = catalogue;
        _tables = tables;
        _time = time;
        _rules = rules.Value;
        _clock = clock.Value;
        _matching = matching.Value;
        _matcher = new Matcher(_matching);
        _planner = new DistrictPlanner(_matching);
        _logger = logger;
        _zone = TimeZones.Find(_rules.TimeZone);
        _orderEligibility = new OrderEligibility(matching.Value, _zone);
        var id = this.GetPrimaryKeyString();
        _info = directory.Find(id) ?? new DistrictInfo(id, id, id, new GeoPoint(0, 0), []);
        _projection = new DistrictProjection(id);
        _commit = new GroupCommit(WriteAsync);
    }

    private string DistrictId => _info.DistrictId;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var table = await _tables.Districts;
        var now = _time.GetUtcNow();
        _today = TimeZones.LocalDate(now, _zone);
        _month = MonthOf(now);
        foreach (var row in await _projection.LoadAsync(table, cancellationToken))
        {
            var key = row.RowKey;
            if (key.StartsWith(DistrictProjection.Household, StringComparison.Ordinal))
            {
                var h = DistrictProjection.Read<HouseholdSummary>(row);
                _households[h.HouseholdId] = h;
            }
            else if (key.StartsWith(DistrictProjection.Volunteer, StringComparison.Ordinal))
            {
                var v = DistrictProjection.Read<VolunteerSummary>(row);
                _volunteers[v.VolunteerId] = v;
            }
            else if (key.StartsWith(DistrictProjection.Active, StringComparison.Ordinal))
            {
                var a = DistrictProjection.Read<ActiveVisit>(row);
                _active[a.VisitId] = a;
            }
            else if (key.StartsWith(DistrictProjection.Today, StringComparison.Ordinal))
            {
                var visitId = DistrictProjection.Read<string>(row);
                if (row.GetString("Tag") == _today.ToString("O"))
                {
                    _checkInsToday.Add(visitId);
                }
                else
                {
                    _projection.Delete(DistrictProjection.Today, visitId);
                }
            }
            else if (key.StartsWith(DistrictProjection.Due, StringComparison.Ordinal))
            {
                var due = DistrictProjection.Read<DueVisit>(row);
                if (row.GetString("Tag") == _today.ToString("O"))
                {
                    _dueToday[due.PairingId] = due;
                }
                else
                {
                    _projection.Delete(DistrictProjection.Due, due.PairingId);
                }
            }
            else if (key.StartsWith(DistrictProjection.Position, StringComparison.Ordinal))
            {
                _ledger.Applied[int.Parse(key[DistrictProjection.Position.Length..], CultureInfo.InvariantCulture)] = DistrictProjection.Read<long>(row);
            }
            else if (key.StartsWith(DistrictProjection.Month, StringComparison.Ordinal))
            {
                var (visitId, hours) = DistrictProjection.Read<MonthVisit>(row);
                if (row.GetString("Tag") == _month)
                {
                    _hoursThisMonth[visitId] = hours;
                }
                else
                {
                    _projection.Delete(DistrictProjection.Month, visitId);
                }
            }
        }

        // Plans that changed while the district slept (or a first day with due-today lists) are added now.
        foreach (var household in _households.Values)
        {
            PlanDueToday(household);
        }

        _lastPublished = Summary(now);
        this.RegisterGrainTimer(OnClockAsync, new GrainTimerCreationOptions(_clock.Period, _clock.Period) { KeepAlive = true, Interleave = true });
        await this.RegisterOrUpdateReminder(ClockReminder, _clock.ReminderPeriod, _clock.ReminderPeriod, cancellationToken);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Telemetry.DistrictDeactivated(DistrictId);
        if (_projection.HasChanges || _outbox.Count > 0)
        {
            await _commit.CommitAsync();
        }
    }

    public Task UpsertHousehold(HouseholdSummary household)
    {
        var now = _time.GetUtcNow();
        _households.TryGetValue(household.HouseholdId, out var previous);
        _households[household.HouseholdId] = household;
        _projection.Put(DistrictProjection.Household, household.HouseholdId, household);
        AddCoverageEvents(previous?.Uncovered ?? [], household.HouseholdId, household.Uncovered, now);
        RollCalendar(now);
        PlanDueToday(household);
        HouseholdsChanged();
        return _commit.CommitAsync();
    }

    public Task RemoveHousehold(string householdId)
    {
        if (!_households.Remove(householdId, out var previous))
        {
            return Task.CompletedTask;
        }

        _projection.Delete(DistrictProjection.Household, householdId);
        AddCoverageEvents(previous.Uncovered, householdId, [], _time.GetUtcNow());
        foreach (var due in _dueToday.Values.Where(d => d.HouseholdId == householdId && d.Waiting).ToList())
        {
            RemoveDue(due.PairingId);
        }

        HouseholdsChanged();
        return _commit.CommitAsync();
    }

    public Task UpsertVolunteer(VolunteerSummary volunteer)
    {
        _volunteers[volunteer.VolunteerId] = volunteer;
        VolunteersChanged(volunteer.VolunteerId, volunteer.Status == VolunteerStatus.Active);
        _projection.Put(DistrictProjection.Volunteer, volunteer.VolunteerId, volunteer);
        return _commit.CommitAsync();
    }

    public Task RemoveVolunteer(string volunteerId)
    {
        if (!_volunteers.Remove(volunteerId))
        {
            return Task.CompletedTask;
        }

        VolunteersChanged(volunteerId, stillEligible: false);
        _projection.Delete(DistrictProjection.Volunteer, volunteerId);
        return _commit.CommitAsync();
    }

    public Task Apply(IReadOnlyList<LedgerEvent> events)
    {
        RollCalendar(_time.GetUtcNow());
        foreach (var e in events)
        {
            if (!_ledger.TryAdvance(e))
            {
                continue;
            }

            _projection.Put(DistrictProjection.Position, e.Partition.ToString(CultureInfo.InvariantCulture), e.Seq);
            var v = e.Visit;
            var visit = new ActiveVisit(v.VisitId, v.VolunteerId, v.HouseholdId, v.CheckedInAt);
            switch (e.Step)
            {
                case VisitStep.CheckedIn:
                    VisitCheckedIn(visit);
                    break;
                case VisitStep.CheckedOut or VisitStep.Backfilled:
                    VisitCheckedOut(visit, v.CheckedOutAt!.Value, v.Hours ?? 0);
                    break;
            }
        }

        return _commit.CommitAsync();
    }

    private void VisitCheckedIn(ActiveVisit visit)
    {
        if (_active.ContainsKey(visit.VisitId) || _hoursThisMonth.ContainsKey(visit.VisitId))
        {
            return;
        }

        _active[visit.VisitId] = visit;
        _projection.Put(DistrictProjection.Active, visit.VisitId, visit);
        if (TimeZones.LocalDate(visit.At, _zone) == _today)
        {
            _checkInsToday.Add(visit.VisitId);
            _projection.Put(DistrictProjection.Today, visit.VisitId, visit.VisitId, _today.ToString("O"));

            // The volunteer's earliest visit due here today that nobody has checked in yet has started.
            var due = _dueToday.Values
                .Where(d => d.Waiting && d.HouseholdId == visit.HouseholdId && d.VolunteerId == visit.VolunteerId)
                .OrderBy(d => d.SlotStart)
                .FirstOrDefault();
            if (due is not null)
            {
                PutDue(due with { VisitId = visit.VisitId, CheckedInAt = visit.At });
            }
        }

        _outbox.Add(new VisitCheckedInEvent
        {
            DistrictId = DistrictId,
            VisitId = visit.VisitId,
            VolunteerId = visit.VolunteerId,
            HouseholdId = visit.HouseholdId,
            At = visit.At,
        });
    }

    private void VisitCheckedOut(ActiveVisit visit, DateTimeOffset checkedOutAt, double hours)
    {
        _active.Remove(visit.VisitId);
        _projection.Delete(DistrictProjection.Active, visit.VisitId);
        if (_dueToday.Values.FirstOrDefault(d => d.VisitId == visit.VisitId) is { CheckedOutAt: null } started)
        {
            PutDue(started with { CheckedOutAt = checkedOutAt });
        }

        if (MonthOf(checkedOutAt) == _month)
        {
            _hoursThisMonth[visit.VisitId] = hours;
            _projection.Put(DistrictProjection.Month, visit.VisitId, new MonthVisit(visit.VisitId, hours), _month);
        }

        _outbox.Add(new VisitCheckedOutEvent
        {
            DistrictId = DistrictId,
            VisitId = visit.VisitId,
            VolunteerId = visit.VolunteerId,
            HouseholdId = visit.HouseholdId,
            At = checkedOutAt,
            Hours = hours,
        });
    }

    public Task<DistrictSummary> GetSummary()
    {
        var now = _time.GetUtcNow();
        RollCalendar(now);
        return Task.FromResult(Summary(now));
    }

    public Task<IReadOnlyList<UncoveredNeed>> GetUncovered() =>
        Task.FromResult<IReadOnlyList<UncoveredNeed>>(
            _households.Values.SelectMany(h => h.Uncovered).OrderBy(u => u.Since).ThenBy(u => u.NeedId, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<HouseholdSummary>> GetHouseholds() =>
        Task.FromResult<IReadOnlyList<HouseholdSummary>>(_households.Values.OrderBy(h => h.HouseholdId, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<VolunteerSummary>> GetVolunteers() =>
        Task.FromResult<IReadOnlyList<VolunteerSummary>>(_volunteers.Values.OrderBy(v => v.VolunteerId, StringComparer.Ordinal).ToList());

    /// <summary>As the clock last recorded it, so the list, the summary and the <c>visitLate</c> events agree.</summary>
    public Task<IReadOnlyList<DueVisit>> GetDueToday() =>
        Task.FromResult<IReadOnlyList<DueVisit>>(
            _dueToday.Values.OrderBy(d => d.SlotStart).ThenBy(d => d.PairingId, StringComparer.Ordinal).ToList());

    public Task<IReadOnlyList<ActiveVisit>> GetActiveVisits() =>
        Task.FromResult<IReadOnlyList<ActiveVisit>>(_active.Values.OrderBy(a => a.At).ToList());

    public Task<IReadOnlyList<string>> VolunteersEligibleFor(OrderMatch order) =>
        Task.FromResult(_orderEligibility.Volunteers(order, Pool));

    public Task<IReadOnlyList<string>> OrdersEligibleFor(string volunteerId, IReadOnlyList<OrderMatch> orders)
    {
        if (!_volunteers.TryGetValue(volunteerId, out var volunteer))
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var match = ToMatch(volunteer);
        return Task.FromResult<IReadOnlyList<string>>(
            orders.Where(o => _orderEligibility.Volunteer(o, match)).Select(o => o.Need.NeedId).ToList());
    }

    public Task Wake() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => OnClockAsync(CancellationToken.None);

    /// <summary>Asks each household whose next due time has passed to look at its coverage again.</summary>
    private async Task OnClockAsync(CancellationToken cancellationToken)
    {
        if (_refreshing)
        {
            return;
        }

        _refreshing = true;
        try
        {
            var now = _time.GetUtcNow();
            var changed = RollCalendar(now);
            foreach (var planned in _dueToday.Values.ToList())
            {
                if (DueTodayRules.Advance(planned, now) is { LateSince: { } since } late && planned.LateSince is null)
                {
                    PutDue(late);
                    _outbox.Add(new VisitLateEvent
                    {
                        DistrictId = DistrictId,
                        NeedId = late.NeedId,
                        HouseholdId = late.HouseholdId,
                        VolunteerId = late.VolunteerId,
                        SlotStart = late.SlotStart,
                        Since = since,
                    });
                    changed = true;
                }
            }

            if (changed)
            {
                await _commit.CommitAsync();
            }

            var due = _households.Values.Where(h => h.NextCheckAt is { } at && at <= now).Select(h => h.HouseholdId).ToList();
            foreach (var householdId in due)
            {
                try
                {
                    await GrainFactory.GetGrain<IHouseholdGrain>(householdId).RefreshCoverage();
                }
                catch (Exception ex)
                {
                    Log.RefreshFailed(_logger, ex, householdId, DistrictId);
                }
            }
        }
        finally
        {
            _refreshing = false;
        }
    }

    private void AddCoverageEvents(IReadOnlyList<UncoveredNeed> before, string householdId, IReadOnlyList<UncoveredNeed> after, DateTimeOffset now)
    {
        var previous = before.ToDictionary(u => u.NeedId, StringComparer.Ordinal);
        foreach (var need in after)
        {
            if (!previous.Remove(need.NeedId, out var old) || old.Reason != need.Reason || old.Since != need.Since)
            {
                NeedUncovered(need);
                _outbox.Add(new NeedUncoveredEvent
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
                    _outbox.Add(new OrderEscalatedEvent
                    {
                        DistrictId = DistrictId, OrderId = need.NeedId, HouseholdId = householdId, ItemId = need.ItemId, Since = need.Since,
                    });
                }
            }
        }

        foreach (var covered in previous.Values)
        {
            NeedNoLongerUncovered(covered.NeedId);
            _outbox.Add(new NeedCoveredEvent { DistrictId = DistrictId, NeedId = covered.NeedId, HouseholdId = householdId, At = now });
        }
    }

    /// <summary>Starts a new day or month of counting; true when something changed.</summary>
    private bool RollCalendar(DateTimeOffset now)
    {
        var changed = false;
        var today = TimeZones.LocalDate(now, _zone);
        if (today != _today)
        {
            foreach (var visitId in _checkInsToday)
            {
                _projection.Delete(DistrictProjection.Today, visitId);
            }

            _checkInsToday.Clear();
            _today = today;
            foreach (var pairingId in _dueToday.Keys.ToList())
            {
                RemoveDue(pairingId);
            }

            foreach (var household in _households.Values)
            {
                PlanDueToday(household);
            }

            changed = true;
        }

        var month = MonthOf(now);
        if (month != _month)
        {
            foreach (var visitId in _hoursThisMonth.Keys)
            {
                _projection.Delete(DistrictProjection.Month, visitId);
            }

            _hoursThisMonth.Clear();
            _month = month;
            changed = true;
        }

        return changed;
    }

    /// <summary>
    /// Brings the household's visits due today in line with its planned slots (<see cref="DueTodayRules"/>). A visit
    /// already checked in stays as it is; one still waiting follows its pairing (moved, ended or suspended).
    /// </summary>
    private void PlanDueToday(HouseholdSummary household)
    {
        var plans = (household.Planned ?? [])
            .Select(p => DueTodayRules.Plan(p, household.HouseholdId, _today, _zone, _rules))
            .OfType<DueVisit>()
            .ToDictionary(d => d.PairingId, StringComparer.Ordinal);
        foreach (var existing in _dueToday.Values.Where(d => d.HouseholdId == household.HouseholdId).ToList())
        {
            if (!plans.Remove(existing.PairingId, out var plan))
            {
                if (existing.Waiting)
                {
                    RemoveDue(existing.PairingId);
                }
            }
            else if (existing.Waiting && (plan.SlotStart != existing.SlotStart || plan.SlotEnd != existing.SlotEnd || plan.VolunteerId != existing.VolunteerId))
            {
                PutDue(plan);
            }
        }

        foreach (var plan in plans.Values)
        {
            PutDue(plan);
        }
    }

    private void PutDue(DueVisit due)
    {
        _dueToday[due.PairingId] = due;
        _projection.Put(DistrictProjection.Due, due.PairingId, due, _today.ToString("O"));
    }

    private void RemoveDue(string pairingId)
    {
        _dueToday.Remove(pairingId);
        _projection.Delete(DistrictProjection.Due, pairingId);
    }

    private DistrictSummary Summary(DateTimeOffset now)
    {
        var openNeeds = 0;
        var uncovered = 0;
        foreach (var h in _households.Values)
        {
            openNeeds += h.OpenNeeds;
            uncovered += h.Uncovered.Count;
        }

        var activeSince = now - _rules.ActiveVolunteerWindow;
        var registered = 0;
        var active = 0;
        foreach (var v in _volunteers.Values)
        {
            if (v.Status == VolunteerStatus.Left)
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
            _info.Name,
            _info.NameEn,
            _households.Count,
            openNeeds,
            uncovered,
            _active.Count,
            _checkInsToday.Count,
            Math.Round(_hoursThisMonth.Values.Sum(), 2),
            registered,
            active,
            registered == 0 ? 0 : Math.Round(active / (double)registered, 3),
            openNeeds == 0 ? 1 : Math.Round(1 - (Math.Min(uncovered, openNeeds) / (double)openNeeds), 3),
            _dueToday.Count,
            _dueToday.Values.Count(d => d.State == DueVisitState.Late));
    }

    private string MonthOf(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, _zone).ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture);

    private async Task WriteAsync()
    {
        if (_projection.HasChanges)
        {
            await _projection.FlushAsync(await _tables.Districts);
        }

        var summary = Summary(_time.GetUtcNow());
        if (summary != _lastPublished)
        {
            _outbox.Add(DistrictSummaryEvent.From(summary));
            _lastPublished = summary;
        }

        if (_outbox.Count == 0)
        {
            return;
        }

        var events = _outbox.ToImmutableArray();
        _outbox.Clear();
        try
        {
            await GrainFactory.GetGrain<ILiveEventPublisherGrain>(0).Publish(events);
        }
        catch (Exception ex)
        {
            // The change is durable; a dashboard that missed the event re-reads the snapshot when it reconnects.
            Log.PublishFailed(_logger, ex, events.Length, DistrictId);
        }
    }

    private sealed record MonthVisit(string VisitId, double Hours);

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Coverage refresh of household {HouseholdId} in district {DistrictId} failed")]
        public static partial void RefreshFailed(ILogger logger, Exception exception, string householdId, string districtId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Publishing {Count} live events of district {DistrictId} failed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, int count, string districtId);
    }
}
