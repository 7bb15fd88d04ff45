using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Households;

[GenerateSerializer]
public sealed class HouseholdState
{
    [Id(0)] public HouseholdProfile? Profile { get; set; }
    [Id(1)] public Dictionary<string, NeedRecord> Needs { get; set; } = [];
    [Id(2)] public Dictionary<string, PairingRecord> Pairings { get; set; } = [];
    [Id(3)] public int NeedSequence { get; set; }
    [Id(4)] public int PairingSequence { get; set; }
    [Id(5)] public DateTimeOffset? MajorChangeAt { get; set; }
    [Id(6)] public string? MajorChangeNote { get; set; }
    [Id(7)] public DateTimeOffset? LastVisitAt { get; set; }
    [Id(8)] public List<VisitBrief> RecentVisits { get; set; } = [];
    /// <summary>Live menu orders (open or taken), as their order grains last reported them.</summary>
    [Id(9)] public Dictionary<string, OrderRef> Orders { get; set; } = [];
    [Id(10)] public int OrderSequence { get; set; }
    /// <summary>How far this household has applied the ledger: each finished visit counts once.</summary>
    [Id(11)] public LedgerPositions Ledger { get; set; } = new();
}

/// <summary>
/// One household's file, needs and pairings. It owns coverage: after every change it evaluates each need with
/// <see cref="CoverageRules"/> and sends its whole summary to the district, which turns differences into events.
/// Finished visits come from the ledger (<see cref="Project"/>): applied once each in memory, the summary sent at once,
/// the state written behind; the ledger keeps them until both are stored (<see cref="HouseholdCommit"/>).
/// </summary>
public sealed partial class HouseholdGrain(
    [PersistentState("household")] IPersistentState<HouseholdState> state,
    ServiceCatalogue catalogue,
    DistrictDirectory districts,
    TimeProvider time,
    IOptions<ServiceRulesOptions> rules,
    IOptions<OrderOptions> orderOptions,
    IOptions<HouseholdOptions> options,
    WriteBehindGate gate,
    ILogger<HouseholdGrain> logger) : Grain, IHouseholdGrain, IIncomingGrainCallFilter
{
    private const int RecentVisitsKept = 20;
    private readonly ServiceRulesOptions _rules = rules.Value;
    private HouseholdCommit _commit = null!;

    // What check-ins are answered from, taken when each call ends (the state is then what storage holds).
    private HouseholdVisitAccess _visitAccess = HouseholdVisitAccess.Of(new HouseholdState());

    private string HouseholdId => this.GetPrimaryKeyString();

    private HouseholdState S => state.State;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _commit = new HouseholdCommit(
            state,
            Summary,
            id => GrainFactory.GetGrain<IDistrictGrain>(id),
            () => this.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "household state could not be read back after a failed write")),
            ex => Log.BehindFailed(logger, ex, HouseholdId),
            options.Value.WriteBehind,
            time,
            gate);
        _commit.Loaded();
        _visitAccess = HouseholdVisitAccess.Of(S);
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        try
        {
            await _commit.DrainAsync();
        }
        catch (Exception ex)
        {
            // Nothing is lost: the ledger's lane still holds the visits and delivers them to the next activation.
            Log.BehindFailed(logger, ex, HouseholdId);
        }
    }

    public async Task<Outcome<HouseholdFile>> Upsert(HouseholdProfile profile, string by)
    {
        if (districts.Find(profile.DistrictId) is null)
        {
            return Failure.Invalid("districtId", "未知镇区 / Unknown district");
        }

        var created = S.Profile is null;
        var movedFrom = S.Profile?.DistrictId is { } old && old != profile.DistrictId ? old : null;
        S.Profile = profile;
        await _commit.WriteAsync();
        if (movedFrom is not null)
        {
            await GrainFactory.GetGrain<IDistrictGrain>(movedFrom).RemoveHousehold(HouseholdId);
        }

        await PublishAsync();
        return Outcome<HouseholdFile>.Ok(File(time.GetUtcNow()), created);
    }

    public Task<HouseholdFile?> Get() => Task.FromResult(S.Profile is null ? null : File(time.GetUtcNow()));

    public Task<string?> GetDistrict() => Task.FromResult(S.Profile?.DistrictId);

    public async Task<Outcome<NeedView>> AddNeed(NewNeed need)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        var (item, refused) = NeedRules.Item(catalogue, need);
        if (refused is not null)
        {
            return refused;
        }

        var now = time.GetUtcNow();
        S.NeedSequence++;
        var record = new NeedRecord
        {
            NeedId = Ids.NeedId(HouseholdId, S.NeedSequence),
            ItemId = item!.ItemId,
            Category = item.Category,
            Frequency = need.Frequency ?? item.DefaultFrequency,
            Priority = need.Priority,
            Skills = [.. item.Skills],
            CreatedAt = now,
            Notes = need.Notes,
        };
        S.Needs[record.NeedId] = record;
        await _commit.WriteAsync();
        await PublishAsync();
        return Outcome<NeedView>.Ok(View(record, now), created: true);
    }

    public async Task<Outcome<NeedView>> CloseNeed(string needId, string by)
    {
        if (!S.Needs.TryGetValue(needId, out var need))
        {
            return Failure.NotFound("需求不存在 / Need not found");
        }

        var now = time.GetUtcNow();
        if (need.IsOpen)
        {
            need.ClosedAt = now;
            var ended = EndPairingsOf(need.NeedId, PairingEnd.NeedClosed, now);
            await _commit.WriteAsync();
            await TellVolunteersEndedAsync(ended);
            await PublishAsync();
        }

        return Outcome<NeedView>.Ok(View(need, now));
    }

    public Task<NeedView?> GetNeed(string needId) =>
        Task.FromResult(S.Needs.TryGetValue(needId, out var need) ? View(need, time.GetUtcNow()) : null);

    public Task<Outcome<PairingView>> CreatePairing(string volunteerId, string needId, string by) =>
        PairAsync(volunteerId, needId, by, maxPairingsOfVolunteer: null, slot: null);

    public Task<Outcome<PairingView>> CreatePairing(string volunteerId, string needId, string by, WeeklySlot? slot) =>
        PairAsync(volunteerId, needId, by, maxPairingsOfVolunteer: null, slot);

    public Task<Outcome<PairingView>> CreatePlannedPairing(string volunteerId, string needId, int maxPairingsOfVolunteer, string by) =>
        PairAsync(volunteerId, needId, by, maxPairingsOfVolunteer, slot: null);

    /// <summary>
    /// The one way a pairing is made; a <paramref name="slot"/> plans its weekly visit (for an existing pairing of the
    /// same volunteer and need, it sets the slot). With <paramref name="maxPairingsOfVolunteer"/> (an accepted district
    /// plan) it also refuses a need that an active pairing already serves and a volunteer who has that many pairings;
    /// checked here, in the household's single-threaded turn, so two accepts of the same plan cannot both pair the need.
    /// </summary>
    private async Task<Outcome<PairingView>> PairAsync(string volunteerId, string needId, string by, int? maxPairingsOfVolunteer, WeeklySlot? slot)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        if (!S.Needs.TryGetValue(needId, out var need))
        {
            return Failure.NotFound("需求不存在 / Need not found");
        }

        if (!need.IsOpen)
        {
            return Failure.Conflict("需求已关闭 / The need is closed", PairingRefusals.NeedClosed);
        }

        var existing = S.Pairings.Values.FirstOrDefault(p => p.NeedId == needId && p.VolunteerId == volunteerId && p.IsCurrent);
        if (existing is not null)
        {
            if (slot is not null && slot != existing.Slot)
            {
                existing.Slot = slot;
                await _commit.WriteAsync();
                await PublishAsync();
            }

            return Outcome<PairingView>.Ok(View(existing));
        }

        if (maxPairingsOfVolunteer is not null && S.Pairings.Values.Any(p => p.NeedId == needId && p.IsActive))
        {
            return Failure.Conflict("需求已有义工服务 / A volunteer already serves the need", PairingRefusals.NeedCovered);
        }

        var volunteer = await GrainFactory.GetGrain<IVolunteerGrain>(volunteerId).Get();
        if (volunteer is null)
        {
            return Failure.Invalid("volunteerId", "志愿者不存在 / Unknown volunteer");
        }

        if (volunteer.Profile.Status != VolunteerStatus.Active)
        {
            return Failure.Conflict("志愿者已暂停或离开 / The volunteer is paused or has left", PairingRefusals.VolunteerInactive);
        }

        if (maxPairingsOfVolunteer is { } max && volunteer.Pairings.Count >= max)
        {
            return Failure.Conflict($"志愿者已有 {max} 个结对 / The volunteer already has {max} pairings", PairingRefusals.VolunteerAtCapacity);
        }

        var now = time.GetUtcNow();
        var pairing = new PairingRecord
        {
            PairingId = Ids.PairingId(HouseholdId, S.PairingSequence + 1),
            NeedId = needId,
            VolunteerId = volunteerId,
            StartedAt = now,
            CreatedBy = by,
            Slot = slot,
        };

        // The volunteer learns of the pairing first: if this write then fails, a retry makes the same pairing id.
        await GrainFactory.GetGrain<IVolunteerGrain>(volunteerId).PairingStarted(new PairingRef(pairing.PairingId, HouseholdId, needId, now));
        S.PairingSequence++;
        S.Pairings[pairing.PairingId] = pairing;
        await _commit.WriteAsync();
        await PublishAsync();
        return Outcome<PairingView>.Ok(View(pairing), created: true);
    }

    public async Task<Outcome<PairingView>> EndPairing(string pairingId, string by)
    {
        if (!S.Pairings.TryGetValue(pairingId, out var pairing))
        {
            return Failure.NotFound("结对不存在 / Pairing not found");
        }

        if (pairing.IsCurrent)
        {
            pairing.EndedAt = time.GetUtcNow();
            pairing.EndReason = PairingEnd.EndedByCoordinator;
            await _commit.WriteAsync();
            await TellVolunteersEndedAsync([pairing]);
            await PublishAsync();
        }

        return Outcome<PairingView>.Ok(View(pairing));
    }

    public Task<PairingView?> GetPairing(string pairingId) =>
        Task.FromResult(S.Pairings.TryGetValue(pairingId, out var p) ? View(p) : null);

    public async Task VolunteerStatusChanged(string volunteerId, VolunteerStatus status)
    {
        var now = time.GetUtcNow();
        var changed = false;
        foreach (var pairing in S.Pairings.Values.Where(p => p.VolunteerId == volunteerId && p.IsCurrent))
        {
            switch (status)
            {
                case VolunteerStatus.Left:
                    pairing.EndedAt = now;
                    pairing.EndReason = PairingEnd.VolunteerLeft;
                    changed = true;
                    break;
                case VolunteerStatus.Paused when pairing.SuspendedAt is null:
                    pairing.SuspendedAt = now;
                    changed = true;
                    break;
                case VolunteerStatus.Active when pairing.SuspendedAt is not null:
                    pairing.SuspendedAt = null;
                    changed = true;
                    break;
            }
        }

        if (changed)
        {
            await _commit.WriteAsync();
        }

        await PublishAsync();
    }

    /// <summary>
    /// Interleaves with the household's other calls (<see cref="IHouseholdGrain.GetVisitContext"/>): answered from the
    /// copy taken when the last call ended, so a check-in never waits for a storage write of the household, and never
    /// sees a change before storage took it.
    /// </summary>
    public Task<Outcome<VisitContext>> GetVisitContext(string volunteerId, string? needId) =>
        Task.FromResult(_visitAccess.Check(volunteerId, needId));

    /// <summary>
    /// After every call but a check-in's own and the ledger's <see cref="Stored"/> (both interleave, and may end while
    /// another call's change waits for its write): the household's state is then what storage holds, or (after
    /// <see cref="Project"/>) visits the ledger holds (a write that failed read it back).
    /// </summary>
    async Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (context.InterfaceMethod?.Name is not (nameof(GetVisitContext) or nameof(Stored)))
            {
                _visitAccess = HouseholdVisitAccess.Of(S);
            }
        }
    }

    /// <summary>
    /// Finished visits from the ledger, applied in memory once each; the summary goes to the district now and the state
    /// is written behind. Never waits for storage, so a check-in's read of the household never queues behind a write.
    /// </summary>
    public Task<LedgerProgress> Project(IReadOnlyList<LedgerEvent> events, long after)
    {
        if (events.Count == 0)
        {
            return Task.FromResult(default(LedgerProgress));
        }

        var partition = events[0].Partition;
        if (S.Ledger.Of(partition) < after)
        {
            // Events given before are gone (a new activation, a failed write that read the state back): the lane sends them again.
            return Task.FromResult(_commit.Progress(partition));
        }

        var fulfilled = new List<PairingRecord>();
        var changed = false;
        foreach (var e in events)
        {
            if (!e.Visit.Finished || !S.Ledger.TryAdvance(e))
            {
                continue;
            }

            if (e.Step is VisitStep.CheckedOut or VisitStep.Backfilled)
            {
                var v = e.Visit;
                fulfilled.AddRange(VisitCompleted(new VisitBrief(v.VisitId, v.VolunteerId, v.NeedId, v.CheckedInAt, v.CheckedOutAt, v.Hours)));
                _commit.Changed(e);
                changed = true;
            }
        }

        if (changed)
        {
            _commit.WriteLater();
            _commit.PublishLater();
            if (fulfilled.Count > 0)
            {
                // A one-off need served ends its pairings: the volunteers hear of it once the state holding that is stored.
                _ = TellVolunteersEndedBehindAsync(fulfilled);
            }
        }

        return Task.FromResult(_commit.Progress(partition));
    }

    public Task<LedgerProgress> Stored(int partition) => _commit.StoredAsync(partition);

    private async Task TellVolunteersEndedBehindAsync(List<PairingRecord> ended)
    {
        try
        {
            await _commit.WriteAsync();
            await TellVolunteersEndedAsync(ended);
        }
        catch (Exception ex)
        {
            Log.BehindFailed(logger, ex, HouseholdId);
        }
    }

    /// <summary>A finished visit served the needs it names (or every need the volunteer serves here); returns the pairings it ended.</summary>
    private List<PairingRecord> VisitCompleted(VisitBrief visit)
    {
        var now = time.GetUtcNow();
        var needIds = visit.NeedId is not null
            ? [visit.NeedId]
            : S.Pairings.Values.Where(p => p.VolunteerId == visit.VolunteerId && p.IsCurrent).Select(p => p.NeedId).Distinct().ToList();
        var fulfilled = new List<PairingRecord>();
        foreach (var needId in needIds)
        {
            if (!S.Needs.TryGetValue(needId, out var need))
            {
                continue;
            }

            if (need.LastVisitAt is null || need.LastVisitAt < visit.CheckedInAt)
            {
                need.LastVisitAt = visit.CheckedInAt;
            }

            // A one-off need is done once it has been served.
            if (need.Frequency == NeedFrequency.Once && need.IsOpen)
            {
                need.ClosedAt = now;
                fulfilled.AddRange(EndPairingsOf(needId, PairingEnd.NeedClosed, now));
            }
        }

        if (S.LastVisitAt is null || S.LastVisitAt < visit.CheckedInAt)
        {
            S.LastVisitAt = visit.CheckedInAt;
        }

        // The newest visits by check-in time, whatever order they arrive in.
        S.RecentVisits.RemoveAll(v => v.VisitId == visit.VisitId);
        S.RecentVisits.Add(visit);
        S.RecentVisits.Sort((a, b) => b.CheckedInAt.CompareTo(a.CheckedInAt));
        if (S.RecentVisits.Count > RecentVisitsKept)
        {
            S.RecentVisits.RemoveRange(RecentVisitsKept, S.RecentVisits.Count - RecentVisitsKept);
        }

        return fulfilled;
    }

    public async Task<Outcome<HouseholdFile>> ReportMajorChange(string note, string by)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        S.MajorChangeAt = time.GetUtcNow();
        S.MajorChangeNote = note;
        await _commit.WriteAsync();
        await PublishAsync();
        return Outcome<HouseholdFile>.Ok(File(time.GetUtcNow()));
    }

    public Task RefreshCoverage() => PublishAsync();

    public async Task<Outcome<string>> ReserveOrderId()
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        S.OrderSequence++;
        await _commit.WriteAsync();
        return Outcome<string>.Ok(Ids.OrderId(HouseholdId, S.OrderSequence));
    }

    public async Task OrderChanged(OrderRef order)
    {
        var changed = order.IsLive
            ? !S.Orders.TryGetValue(order.OrderId, out var known)
                || known.Status != order.Status || known.VolunteerId != order.VolunteerId || known.OfferedSince != order.OfferedSince
            : S.Orders.ContainsKey(order.OrderId);
        if (changed)
        {
            if (order.IsLive)
            {
                S.Orders[order.OrderId] = order;
            }
            else
            {
                S.Orders.Remove(order.OrderId);
            }

            await _commit.WriteAsync();
        }

        await PublishAsync();
    }

    private List<PairingRecord> EndPairingsOf(string needId, PairingEnd reason, DateTimeOffset now)
    {
        var ended = S.Pairings.Values.Where(p => p.NeedId == needId && p.IsCurrent).ToList();
        foreach (var pairing in ended)
        {
            pairing.EndedAt = now;
            pairing.EndReason = reason;
        }

        return ended;
    }

    private Task TellVolunteersEndedAsync(IEnumerable<PairingRecord> ended) =>
        Task.WhenAll(ended.Select(p => GrainFactory.GetGrain<IVolunteerGrain>(p.VolunteerId).PairingEnded(p.PairingId)));

    private Coverage CoverageOf(NeedRecord need, DateTimeOffset now) =>
        CoverageRules.Evaluate(
            need,
            S.Pairings.Values.Where(p => p.NeedId == need.NeedId),
            S.Profile?.RiskLevel ?? RiskLevel.General,
            S.MajorChangeAt,
            S.LastVisitAt,
            now,
            _rules);

    /// <summary>Sends the summary to the district; completes once the district stored it (a coordinator waits for that).</summary>
    private Task PublishAsync() => _commit.PublishAsync();

    /// <summary>The household as its district counts it, from the state in memory; null before it has a profile.</summary>
    private HouseholdSummary? Summary()
    {
        if (S.Profile is not { } profile)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var uncovered = new List<UncoveredNeed>();
        var planned = new List<PlannedVisit>();
        DateTimeOffset? next = null;
        var open = 0;
        foreach (var need in S.Needs.Values.Where(n => n.IsOpen))
        {
            open++;
            foreach (var pairing in S.Pairings.Values.Where(p => p.NeedId == need.NeedId && p.IsActive && p.Slot is not null))
            {
                planned.Add(new PlannedVisit(
                    pairing.PairingId, need.NeedId, pairing.VolunteerId, pairing.Slot!,
                    CoverageRules.Cadence(need.Frequency, profile.RiskLevel, _rules), need.LastVisitAt));
            }

            var coverage = CoverageOf(need, now);
            if (!coverage.Covered)
            {
                uncovered.Add(new UncoveredNeed(
                    need.NeedId, HouseholdId, profile.DistrictId, need.ItemId, need.Category, coverage.Reason!.Value,
                    coverage.Since, need.Priority, need.Skills, need.Frequency, profile.Location));
            }
            else if (coverage.NextCheckAt is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        foreach (var order in S.Orders.Values.Where(o => o.IsLive))
        {
            open++;
            var coverage = CoverageRules.EvaluateOrder(order, now, orderOptions.Value.UnclaimedAfter);
            if (!coverage.Covered)
            {
                uncovered.Add(new UncoveredNeed(
                    order.OrderId, HouseholdId, profile.DistrictId, order.ItemId, order.Category, coverage.Reason!.Value,
                    coverage.Since, order.Priority, order.Skills, NeedFrequency.Once, profile.Location));
            }
            else if (coverage.NextCheckAt is { } at && (next is null || at < next))
            {
                next = at;
            }
        }

        return new HouseholdSummary(
            HouseholdId, profile.DistrictId, profile.Community, profile.Category, profile.RiskLevel, open, uncovered, next, S.LastVisitAt, planned);
    }

    private HouseholdFile File(DateTimeOffset now) => new(
        HouseholdId,
        S.Profile!,
        S.Needs.Values.OrderBy(n => n.CreatedAt).Select(n => View(n, now)).ToList(),
        S.Pairings.Values.OrderBy(p => p.StartedAt).Select(View).ToList(),
        S.RecentVisits,
        S.MajorChangeAt,
        S.MajorChangeNote,
        S.LastVisitAt);

    private NeedView View(NeedRecord need, DateTimeOffset now) => new(
        need.NeedId,
        HouseholdId,
        S.Profile?.DistrictId ?? "",
        need.ItemId,
        need.Category,
        need.Frequency,
        need.Priority,
        need.Skills,
        need.CreatedAt,
        need.LastVisitAt,
        need.IsOpen ? CoverageOf(need, now) : new Coverage(true, null, need.ClosedAt!.Value, null),
        S.Pairings.Values.Where(p => p.NeedId == need.NeedId && p.IsActive).Select(p => p.VolunteerId).ToList(),
        S.Profile?.Location,
        need.IsOpen);

    private PairingView View(PairingRecord p) => new(
        p.PairingId,
        p.VolunteerId,
        HouseholdId,
        p.NeedId,
        S.Profile?.DistrictId ?? "",
        p.StartedAt,
        p.EndedAt,
        p switch
        {
            { EndedAt: not null } => "ended",
            { SuspendedAt: not null } => "suspended",
            _ => "active",
        },
        p.Slot);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Storing household {HouseholdId} behind (its state or its summary at the district) failed; the ledger delivers its visits again")]
        public static partial void BehindFailed(ILogger logger, Exception exception, string householdId);
    }
}
