using System.Collections.Immutable;
using System.Globalization;
using Boai.Orleans.Catalogue;
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
/// One district: its live projection and summary (<see cref="DistrictLive"/>), its matching and plan
/// (<see cref="DistrictMatching"/>) and its visits due today with their clock (<see cref="DistrictDueToday"/>), kept in
/// one store (<see cref="IDistrictStore"/>). The grain only routes updates to them and commits (<see cref="DistrictCommit"/>):
/// reentrant so that concurrent updates share one storage write; the live events of all three leave from one outbox,
/// in the order they were made, as soon as a change is applied; an update is acknowledged only once written, and
/// ledger events the ledger's lane keeps until the district's next write (at most one per flush interval) has them.
/// </summary>
[Reentrant]
public sealed partial class DistrictGrain : Grain, IDistrictGrain, IRemindable
{
    private const string ClockReminder = "district-clock";
    private const string MatchingNotReady = "District {0} is still reading its volunteers (waited {1:0.#} s); ask again shortly.";
    private readonly List<LiveEvent> _outbox = [];
    private ILiveEventPublisherGrain? _publisher;
    private readonly TimeProvider _time;
    private readonly DistrictClockOptions _clock;
    private readonly DistrictInfo _info;
    private readonly ILogger<DistrictGrain> _logger;
    private readonly IDistrictStore _store;
    private readonly DistrictLive _live;
    private readonly DistrictDueToday _due;
    private readonly DistrictMatching _matching;
    private readonly DistrictCommit _commit;
    private readonly TimeSpan _readyWait;
    private DistrictSummary? _lastPublished;
    private Task _volunteersRead = Task.CompletedTask;
    private bool _refreshing;
    private bool _preparing;

    public DistrictGrain(
        IDistrictStoreFactory stores,
        TimeProvider time,
        IOptions<ServiceRulesOptions> rules,
        IOptions<DistrictClockOptions> clock,
        IOptions<MatchingOptions> matching,
        IOptions<DistrictOptions> options,
        DistrictDirectory directory,
        ServiceCatalogue catalogue,
        WriteBehindGate gate,
        ILogger<DistrictGrain> logger)
    {
        _time = time;
        _clock = clock.Value;
        _logger = logger;
        var zone = TimeZones.Find(rules.Value.TimeZone);
        var id = this.GetPrimaryKeyString();
        _info = directory.Find(id) ?? new DistrictInfo(id, id, id, new GeoPoint(0, 0), []);
        _store = stores.Create(id);
        _live = new DistrictLive(_info, _store, _outbox, zone, rules.Value);
        _due = new DistrictDueToday(id, _store, _outbox, zone, rules.Value);
        _matching = new DistrictMatching(id, _live, _outbox, matching.Value, catalogue, time, zone);
        _commit = new DistrictCommit(
            _store, _outbox, _live.Ledger, SummaryChanged, PublishAsync, StoreFailed, options.Value.FlushInterval, options.Value.SummaryEvery, time, gate);
        _readyWait = matching.Value.ReadyWait;
    }

    private string DistrictId => _info.DistrictId;

    private void StoreFailed(Exception ex)
    {
        Log.StoreFailed(_logger, ex, DistrictId);
        if (ex is DistrictStoreFencedException)
        {
            // A newer activation writes the district (this one outlived its silo, or was a duplicate): its memory is not the truth.
            this.DeactivateOnIdle();
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        _live.Start(now);
        _due.Start(_live.Today);
        foreach (var row in await _store.LoadAsync(cancellationToken))
        {
            _ = _live.Load(row) || _due.Load(row);
        }

        // The summary counts volunteers from their activity rows; their whole records (越秀: 180,000, what matching
        // needs) are read after the activation. A district stored before activity rows existed reads them now.
        _volunteersRead = ReadVolunteersAsync();
        if (_live.Activity.Count == 0)
        {
            await _volunteersRead;
        }

        // Plans that changed while the district slept (or a first day with due-today lists) are added now.
        foreach (var household in _live.Households.Values)
        {
            _due.Plan(household);
        }

        _lastPublished = Summary(now);
        _commit.Loaded();
        this.RegisterGrainTimer(OnClockAsync, new GrainTimerCreationOptions(_clock.Period, _clock.Period) { KeepAlive = true, Interleave = true });
        await this.RegisterOrUpdateReminder(ClockReminder, _clock.ReminderPeriod, _clock.ReminderPeriod, cancellationToken);

    }

    /// <summary>
    /// Reads the volunteers' whole records away from the grain's turn and adopts them on it (volunteers updated meanwhile
    /// keep their newer record), then prepares the matching pool away from the turn too.
    /// </summary>
    private async Task ReadVolunteersAsync()
    {
        try
        {
            var read = await Task.Run(() => _store.ReadVolunteersAsync(CancellationToken.None));
            foreach (var row in _store.AdoptVolunteers(read))
            {
                _live.Load(row);
            }
        }
        catch (Exception ex)
        {
            // Nothing that needs the volunteers can be answered: a new activation reads them again.
            Log.VolunteersUnread(_logger, ex, DistrictId);
            this.DeactivateOnIdle();
            throw;
        }

        if (_store.HasChanges)
        {
            // The volunteers updated during the read go into their buckets now, not with whatever write comes next.
            _ = CommitAdoptedAsync();
        }

        _ = WarmMatchingAsync();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        Telemetry.DistrictDeactivated(DistrictId);
        // Always: a write behind may be in flight with nothing new pending, and the next activation must read it.
        try
        {
            await _commit.DrainAsync();
        }
        catch (DistrictStoreFencedException)
        {
            // Fenced off: what it held is the newer activation's to write (the ledger delivers it there).
        }
    }

    public Task UpsertHousehold(HouseholdSummary household)
    {
        ApplyHousehold(household);
        return _commit.CommitAsync();
    }

    public Task<SummaryTicket> UpsertHouseholdBehind(HouseholdSummary household)
    {
        ApplyHousehold(household);
        return Task.FromResult(_commit.StoreLater());
    }

    public Task<SummaryTicket> UpsertVolunteerBehind(VolunteerSummary volunteer)
    {
        ApplyVolunteer(volunteer);
        return Task.FromResult(_commit.StoreLater());
    }

    public Task<bool> SummaryStored(SummaryTicket ticket) => _commit.StoredAsync(ticket);

    private void ApplyHousehold(HouseholdSummary household)
    {
        var now = _time.GetUtcNow();
        _live.UpsertHousehold(household, now, _matching.NeedUncovered, _matching.NeedCovered);
        RollCalendar(now);
        _due.Plan(household);
        _matching.HouseholdsChanged();
        PrepareSuggestionsSoon();
    }

    public Task RemoveHousehold(string householdId)
    {
        if (!_live.RemoveHousehold(householdId, _time.GetUtcNow(), _matching.NeedUncovered, _matching.NeedCovered))
        {
            return Task.CompletedTask;
        }

        _due.RemoveHousehold(householdId);
        _matching.HouseholdsChanged();
        PrepareSuggestionsSoon();
        return _commit.CommitAsync();
    }

    /// <summary>Never waits for the volunteers' read: until it is adopted the store keeps the record on a row of its own, newer than the bucket's.</summary>
    public Task UpsertVolunteer(VolunteerSummary volunteer)
    {
        ApplyVolunteer(volunteer);
        return _commit.CommitAsync();
    }

    private void ApplyVolunteer(VolunteerSummary volunteer)
    {
        _live.UpsertVolunteer(volunteer);
        _matching.VolunteerChanged(volunteer.VolunteerId, volunteer);
        PrepareSuggestionsSoon();
    }

    /// <summary>Never waits for the volunteers' read, like <see cref="UpsertVolunteer"/>.</summary>
    public Task RemoveVolunteer(string volunteerId)
    {
        if (!_live.RemoveVolunteer(volunteerId))
        {
            return Task.CompletedTask;
        }

        _matching.VolunteerChanged(volunteerId, null);
        PrepareSuggestionsSoon();
        return _commit.CommitAsync();
    }

    public Task<LedgerProgress> Project(IReadOnlyList<LedgerEvent> events, long after)
    {
        if (events.Count == 0)
        {
            return Task.FromResult(default(LedgerProgress));
        }

        var partition = events[0].Partition;
        if (_live.Ledger.Of(partition) >= after)
        {
            ApplyEvents(events);
            _ = _commit.StoreLater();
        }

        return Task.FromResult(_commit.Progress(partition));
    }

    public Task<LedgerProgress> Stored(int partition) => _commit.StoredAsync(partition);

    private void ApplyEvents(IReadOnlyList<LedgerEvent> events)
    {
        RollCalendar(_time.GetUtcNow());
        foreach (var e in events)
        {
            if (!_live.Ledger.TryAdvance(e))
            {
                continue;
            }

            _store.Put(DistrictRowKind.Position, e.Partition.ToString(CultureInfo.InvariantCulture), e.Seq);
            var v = e.Visit;
            var visit = new ActiveVisit(v.VisitId, v.VolunteerId, v.HouseholdId, v.CheckedInAt);
            switch (e.Step)
            {
                case VisitStep.CheckedIn:
                    if (_live.VisitCheckedIn(visit))
                    {
                        _due.CheckedIn(visit);
                    }

                    break;
                case VisitStep.CheckedOut or VisitStep.Backfilled:
                    _due.CheckedOut(visit.VisitId, v.CheckedOutAt!.Value);
                    _live.VisitCheckedOut(visit, v.CheckedOutAt!.Value, v.Hours ?? 0);
                    break;
            }
        }
    }

    public Task<DistrictSummary> GetSummary()
    {
        var now = _time.GetUtcNow();
        RollCalendar(now);
        return Task.FromResult(Summary(now));
    }

    public Task<IReadOnlyList<UncoveredNeed>> GetUncovered() => Task.FromResult(_live.Uncovered());

    public Task<IReadOnlyList<HouseholdSummary>> GetHouseholds() =>
        Task.FromResult<IReadOnlyList<HouseholdSummary>>(_live.Households.Values.OrderBy(h => h.HouseholdId, StringComparer.Ordinal).ToList());

    public async Task<IReadOnlyList<VolunteerSummary>> GetVolunteers()
    {
        await WithinReadyWaitAsync(_volunteersRead);
        return _live.Volunteers.Values.OrderBy(v => v.VolunteerId, StringComparer.Ordinal).ToList();
    }

    public Task<IReadOnlyList<DueVisit>> GetDueToday() => Task.FromResult(_due.List());

    public Task<IReadOnlyList<ActiveVisit>> GetActiveVisits() => Task.FromResult(_live.ActiveVisits());

    public async Task<IReadOnlyList<SuggestedVolunteer>> Suggest(MatchNeed need, int take)
    {
        await MatchingReadyAsync();
        return await _matching.SuggestAsync(need, take);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<SuggestedVolunteer>>> GetReadySuggestions()
    {
        await MatchingReadyAsync();
        return await _matching.ReadySuggestionsAsync();
    }

    public async Task<DistrictPlanView> Plan()
    {
        await MatchingReadyAsync();
        return await _matching.PlanAsync();
    }

    // Asked by order grains, not by a coordinator's page: they wait as long as the read takes, as before.
    public async Task<IReadOnlyList<string>> VolunteersEligibleFor(OrderMatch order)
    {
        await _volunteersRead;
        return await _matching.VolunteersEligibleForAsync(order);
    }

    public async Task<IReadOnlyList<string>> OrdersEligibleFor(string volunteerId, IReadOnlyList<OrderMatch> orders)
    {
        await _volunteersRead;
        return _matching.OrdersEligibleFor(volunteerId, orders);
    }

    /// <summary>
    /// Matching needs the volunteers' records and the pool made of them: seconds after a cold activation of a 越秀-size
    /// district. A coordinator's call (suggestions, plan, the volunteers' list) waits for them at most
    /// <see cref="MatchingOptions.ReadyWait"/> and is then refused with a <see cref="TimeoutException"/> (the API's 503
    /// with Retry-After), instead of running into its own call timeout with nothing said. The read and the pool go on.
    /// </summary>
    private Task MatchingReadyAsync()
    {
        return WithinReadyWaitAsync(VolunteersAndPoolAsync());

        async Task VolunteersAndPoolAsync()
        {
            await _volunteersRead;
            await _matching.PoolAsync();
        }
    }

    private async Task WithinReadyWaitAsync(Task ready)
    {
        if (!ready.IsCompleted)
        {
            try
            {
                await ready.WaitAsync(_readyWait, _time);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(string.Format(CultureInfo.InvariantCulture, MatchingNotReady, DistrictId, _readyWait.TotalSeconds));
            }
        }

        await ready;
    }

    public Task Wake() => Task.CompletedTask;

    public Task ReceiveReminder(string reminderName, TickStatus status) => OnClockAsync(CancellationToken.None);

    /// <summary>Marks late visits, then asks each household whose next due time has passed to look at its coverage again.</summary>
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
            changed |= _due.Advance(now);
            if (changed)
            {
                await _commit.CommitAsync();
            }

            var due = _live.Households.Values.Where(h => h.NextCheckAt is { } at && at <= now).Select(h => h.HouseholdId).ToList();
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

    /// <summary>Starts a new day or month of counting (and a new due-today list); true when something changed.</summary>
    private bool RollCalendar(DateTimeOffset now)
    {
        var (newDay, changed) = _live.RollCalendar(now);
        if (newDay)
        {
            _due.NewDay(_live.Today, _live.Households.Values);
        }

        return changed;
    }

    private DistrictSummary Summary(DateTimeOffset now) => _live.Summary(now, _due.Count, _due.Late);

    private async Task CommitAdoptedAsync()
    {
        try
        {
            await _commit.CommitAsync();
        }
        catch (Exception ex)
        {
            // Still pending in the store (and stored on their own rows meanwhile): the next write carries them.
            Log.AdoptedUnwritten(_logger, ex, DistrictId);
        }
    }

    private async Task WarmMatchingAsync()
    {
        try
        {
            await _matching.PoolAsync();
        }
        catch (Exception ex)
        {
            // The pool is made again on first use.
            Log.SuggestionsFailed(_logger, ex, DistrictId);
        }
    }

    private void PrepareSuggestionsSoon()
    {
        if (!_matching.HasDue || _preparing)
        {
            return;
        }

        _preparing = true;
        _ = PrepareSuggestionsAsync();
    }

    /// <summary>
    /// Makes the due ready suggestions and publishes them. Runs in a later turn of this grain, so the update that
    /// uncovered the needs is not held up by it, and its <c>needUncovered</c> events leave first.
    /// </summary>
    private async Task PrepareSuggestionsAsync()
    {
        try
        {
            await Task.Yield();
            await _volunteersRead;
            while (_matching.HasDue)
            {
                await _matching.PrepareDueAsync();
                await _commit.CommitAsync();
            }
        }
        catch (Exception ex)
        {
            // The suggestions route and the uncovered list make them again on the next read.
            Log.SuggestionsFailed(_logger, ex, DistrictId);
        }
        finally
        {
            _preparing = false;
        }
    }

    private DistrictSummaryEvent? SummaryChanged()
    {
        var summary = Summary(_time.GetUtcNow());
        if (summary == _lastPublished)
        {
            return null;
        }

        _lastPublished = summary;
        return DistrictSummaryEvent.From(summary);
    }

    private async Task PublishAsync(ImmutableArray<LiveEvent> events)
    {
        try
        {
            await (_publisher ??= GrainFactory.GetGrain<ILiveEventPublisherGrain>(0)).Publish(events);
        }
        catch (Exception ex)
        {
            // The change stands; a dashboard that missed the event re-reads the snapshot when it reconnects.
            Log.PublishFailed(_logger, ex, events.Length, DistrictId);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Coverage refresh of household {HouseholdId} in district {DistrictId} failed")]
        public static partial void RefreshFailed(ILogger logger, Exception exception, string householdId, string districtId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Publishing {Count} live events of district {DistrictId} failed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, int count, string districtId);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Error, Message = "Reading the volunteers of district {DistrictId} failed; it deactivates")]
        public static partial void VolunteersUnread(ILogger logger, Exception exception, string districtId);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Warning, Message = "Writing the rows of district {DistrictId} failed; the ledger delivers its events again")]
        public static partial void StoreFailed(ILogger logger, Exception exception, string districtId);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Writing the volunteers of district {DistrictId} updated while they were read failed; the next write carries them")]
        public static partial void AdoptedUnwritten(ILogger logger, Exception exception, string districtId);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Preparing suggestions for uncovered needs of district {DistrictId} failed")]
        public static partial void SuggestionsFailed(ILogger logger, Exception exception, string districtId);
    }
}
