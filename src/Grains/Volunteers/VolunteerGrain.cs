using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Volunteers;

[GenerateSerializer]
public sealed class VolunteerState
{
    [Id(0)] public VolunteerProfile? Profile { get; set; }
    [Id(1)] public DateTimeOffset RegisteredAt { get; set; }
    [Id(2)] public Dictionary<string, PairingRef> Pairings { get; set; } = [];
    /// <summary>Visits checked in and not yet out, as the ledger delivered them (any order across its partitions).</summary>
    [Id(3)] public Dictionary<string, OpenVisit> OpenVisits { get; set; } = [];
    [Id(4)] public double CertifiedHours { get; set; }
    [Id(5)] public Dictionary<string, double> PendingVisits { get; set; } = [];
    /// <summary>How far this projection has applied the ledger: each visit event counts once, however often delivered.</summary>
    [Id(6)] public LedgerPositions Ledger { get; set; } = new();
    [Id(7)] public int VisitCount { get; set; }
    [Id(8)] public DateTimeOffset? LastServedAt { get; set; }
    [Id(9)] public List<string> HouseholdsServed { get; set; } = [];
    [Id(10)] public List<Rating> Ratings { get; set; } = [];
    [Id(11)] public List<Training> Trainings { get; set; } = [];
    /// <summary>A summary sent behind that the district had not confirmed stored: the next activation sends it again.</summary>
    [Id(12)] public bool SummaryUnconfirmed { get; set; }

    /// <summary>The visit in progress: the latest checked in of the open ones, whatever order the events arrived in.</summary>
    public OpenVisit? VisitInProgress => OpenVisits.Count == 0 ? null : OpenVisits.Values.MaxBy(v => v.At);
}

[GenerateSerializer, Immutable]
public sealed record OpenVisit([property: Id(0)] string VisitId, [property: Id(1)] string HouseholdId, [property: Id(2)] DateTimeOffset At);

/// <summary>
/// A volunteer's record and pairings, and the projection of their visits from the ledger: the visit in progress, hour
/// balances and star level, visit count. The ledger partitions deliver committed visit events (<see cref="Apply"/>);
/// each is applied once (<see cref="VolunteerState.Ledger"/>) in memory and written behind (at most every
/// <see cref="LedgerOptions.VolunteerWriteBehind"/>, with any other write of the volunteer, and on deactivation): the
/// ledger holds those events and an activation catches up from it, so nothing is lost and no storage write stands
/// between a delivery and the volunteer's next check-in.
/// </summary>
public sealed partial class VolunteerGrain(
    [PersistentState("volunteer")] IPersistentState<VolunteerState> state,
    DistrictDirectory districts,
    IVisitLog log,
    TimeProvider time,
    IOptions<ServiceRulesOptions> rules,
    IOptions<LedgerOptions> ledger,
    WriteBehindGate gate,
    ILogger<VolunteerGrain> logger) : Grain, IVolunteerGrain
{
    private readonly ServiceRulesOptions _rules = rules.Value;

    // One summary in flight to the district, the latest sent next: ordered, and coalesced for a busy volunteer.
    private GroupCommit? _publish;

    // The next summary is one a caller waits for (written by the district at once); else it is stored with the district's next write.
    private bool _urgent;

    // The last summary sent behind, with the district's ticket for it.
    private (string District, SummaryTicket Ticket)? _summaryBehind;

    // Visit events applied in memory and not yet written; the timer writes them behind.
    private bool _behind;

    // One write of the state in flight, the rest sharing the next: a write behind runs off the grain's turn (a check-in's
    // BeginVisit and Committed do not wait for it), so it must never overlap a write a call makes.
    private GroupCommit? _writes;

    // Writes that failed and read the stored state back (dropping whatever memory held beyond it).
    private int _reloads;
    private Exception? _lastFailure;

    // Set when the activation goes: a summary still unconfirmed is then the next activation's to send (state, above).
    private bool _deactivating;
    private IGrainTimer? _writeBehind;

    // A check-in begun here and not yet known to be stored or ended: held in memory until its event is told or delivered.
    private OpenVisit? _reserved;

    // Committed events of this volunteer told by their visit before the ledger delivered them: reads include them, so a
    // phone sees its acknowledged visit at once. They are in the ledger already; the stored projection follows.
    private readonly List<LedgerEvent> _ahead = [];

    /// <summary>The ratings a volunteer's average is taken over: the latest, so the state stays bounded.</summary>
    public const int MaxRatings = 200;

    private string VolunteerId => this.GetPrimaryKeyString();

    private static bool SameRated(Rating a, Rating b) => a.VisitId == b.VisitId && a.By == b.By;

    private VolunteerState S => state.State;

    /// <summary>
    /// Brought up to date from the ledger before the first call: events the partitions have not delivered yet (their
    /// silo died after the append, say, or applied and never written behind) are applied now and written behind. A
    /// volunteer with no record has no visits to read.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await CatchUpAsync(cancellationToken) || S.SummaryUnconfirmed)
        {
            PublishBehind();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        if (_behind || S.SummaryUnconfirmed)
        {
            try
            {
                await Writes.CommitAsync();
            }
            catch (Exception ex)
            {
                // Nothing is lost: the ledger has the events, and the next activation applies them again.
                Log.WriteBehindFailed(logger, ex, VolunteerId);
            }
        }
    }

    /// <summary>Applies the volunteer's ledger events after the applied positions (one range read per partition); true when some were new.</summary>
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken = default)
    {
        if (S.Profile is null)
        {
            return false;
        }

        var behind = await log.ReadVolunteerAfterAsync(VolunteerId, S.Ledger, cancellationToken);
        var changed = false;
        foreach (var e in behind.OrderBy(e => e.Partition).ThenBy(e => e.Seq))
        {
            if (S.Ledger.TryAdvance(e))
            {
                VolunteerProjection.Apply(S, e);
                changed = true;
            }
        }

        if (changed)
        {
            WriteBehind();
        }

        return changed;
    }

    private GroupCommit Writes => _writes ??= new GroupCommit(WriteStateAsync, stopping: gate.Stopping);

    /// <summary>
    /// Stores the state (with whatever visit events were applied behind), once any write in flight is done. When a write
    /// fails, memory goes back to what storage holds and then catches up from the ledger, so the grain never answers from
    /// a change storage did not take yet never forgets an event the ledger holds; when even that read fails, the
    /// activation is dropped. A caller whose change such a read dropped gets an exception.
    /// </summary>
    private async Task StoreAsync()
    {
        var reloads = _reloads;
        await Writes.CommitAsync();
        if (_reloads != reloads)
        {
            throw new InvalidOperationException("The volunteer's state was read back after a failed write; the change was not stored.", _lastFailure);
        }
    }

    private async Task WriteStateAsync()
    {
        // A write behind takes its turn among the process's writes behind; events applied meanwhile go with it.
        using var slot = await gate.EnterAsync(Writes);

        // The state as the write takes it (no await in between) holds every event applied so far.
        _behind = false;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _reloads++;
            _lastFailure = ex;
            try
            {
                await state.ReadStateAsync();
                _behind = false;
                await CatchUpAsync();
            }
            catch
            {
                this.GrainContext.Deactivate(new DeactivationReason(DeactivationReasonCode.ApplicationError, "volunteer state could not be read back after a failed write"));
            }

            throw;
        }
    }

    private void WriteBehind()
    {
        _behind = true;
        // Between half and all of the interval: volunteers who start visiting together (a morning, a demo, a bench) would
        // otherwise all write in the same second, and the ledger's appends would queue behind that burst.
        var due = ledger.Value.VolunteerWriteBehind * (0.5 + (Random.Shared.NextDouble() / 2));
        _writeBehind ??= this.RegisterGrainTimer(WriteBehindAsync, new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan));
    }

    /// <summary>The timer's turn ends at once: the write goes on off the turn, so calls to the volunteer never wait for it.</summary>
    private Task WriteBehindAsync(CancellationToken cancellationToken)
    {
        _writeBehind?.Dispose();
        _writeBehind = null;
        if (_behind && !_deactivating)
        {
            _ = WriteBehindOffTurnAsync();
        }

        return Task.CompletedTask;
    }

    private async Task WriteBehindOffTurnAsync()
    {
        try
        {
            await Writes.CommitLaterAsync();
        }
        catch (Exception ex)
        {
            Log.WriteBehindFailed(logger, ex, VolunteerId);
            if (_behind && !_deactivating)
            {
                WriteBehind();
            }
        }
    }

    public async Task<Outcome<VolunteerView>> Upsert(VolunteerProfile profile, string by)
    {
        if (districts.Find(profile.DistrictId) is null)
        {
            return Failure.Invalid("districtId", "未知镇区 / Unknown district");
        }

        var created = S.Profile is null;
        var movedFrom = S.Profile?.DistrictId is { } old && old != profile.DistrictId ? old : null;
        if (created)
        {
            S.RegisteredAt = time.GetUtcNow();
        }

        S.Profile = profile;
        if (profile.Status == VolunteerStatus.Left)
        {
            S.OpenVisits.Clear();
        }

        await StoreAsync();
        if (profile.Status == VolunteerStatus.Left)
        {
            _reserved = null;
        }

        if (profile.Status != VolunteerStatus.Active)
        {
            // The district learns the volunteer is out before it learns of the needs that uncovers, so the suggestions
            // it prepares for those needs at once never name this volunteer.
            await PublishAsync();
        }

        // Told every time, not only on a change: a retry after a failure here must finish the job. Idempotent there.
        await Task.WhenAll(S.Pairings.Values.Select(p => p.HouseholdId).Distinct()
            .Select(h => GrainFactory.GetGrain<IHouseholdGrain>(h).VolunteerStatusChanged(VolunteerId, profile.Status)));
        if (profile.Status == VolunteerStatus.Left && S.Pairings.Count > 0)
        {
            S.Pairings.Clear();
            await StoreAsync();
        }

        if (movedFrom is not null)
        {
            await GrainFactory.GetGrain<IDistrictGrain>(movedFrom).RemoveVolunteer(VolunteerId);
        }

        await PublishAsync();
        return Outcome<VolunteerView>.Ok(View(), created);
    }

    public Task<VolunteerView?> Get() => Task.FromResult(S.Profile is null ? null : View());

    public Task<VolunteerHours?> GetHours() => Task.FromResult(S.Profile is null ? null : Hours());

    public async Task<Outcome<VolunteerView>> AddTraining(Training training)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        S.Trainings.Add(training);
        await StoreAsync();
        // Trainings gate tasks: the district matches on them.
        await PublishAsync();
        return Outcome<VolunteerView>.Ok(View());
    }

    public async Task<Outcome<VolunteerView>> Rate(Rating rating)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        if (rating.Stars is < 1 or > 5)
        {
            return Failure.Invalid("stars", "评分须为 1–5 / Stars must be 1 to 5");
        }

        // One rating per rater and visit (or per rater without a visit): rating again replaces it; only the latest are kept.
        S.Ratings.RemoveAll(r => SameRated(r, rating));
        S.Ratings.Add(rating);
        if (S.Ratings.Count > MaxRatings)
        {
            S.Ratings.RemoveRange(0, S.Ratings.Count - MaxRatings);
        }

        await StoreAsync();
        await PublishAsync();
        return Outcome<VolunteerView>.Ok(View());
    }

    public async Task<Outcome<bool>> BeginVisit(string visitId, string householdId, DateTimeOffset at)
    {
        if (S.Profile is null)
        {
            return Failure.NotFound("志愿者不存在 / Volunteer not found");
        }

        var open = _reserved ?? Current().VisitInProgress;
        if (open is not null && open.VisitId != visitId && _reserved is null)
        {
            // From the projection, which may lag the ledger: the ledger knows whether that visit is still open. (Read, not
            // asked of the visit grain: that one may be waiting on this grain.)
            var stored = (await log.ReadVisitAsync(open.VisitId)).Where(e => e.Visit.VolunteerId == VolunteerId).ToList();
            if (stored.Count == 0 || stored[^1].Visit.Status != VisitStatus.CheckedIn)
            {
                open = null;
            }
        }

        if (open is not null)
        {
            return open.VisitId == visitId
                ? Outcome<bool>.Ok(true)
                : Failure.Conflict($"已有进行中的探访 {open.VisitId} / Visit {open.VisitId} is still in progress");
        }

        if (S.Profile.Status != VolunteerStatus.Active)
        {
            return Failure.Forbidden("志愿者已暂停或离开 / The volunteer is paused or has left");
        }

        // Held in memory only: the check-in's ledger event is what stores it.
        _reserved = new OpenVisit(visitId, householdId, at);
        return Outcome<bool>.Ok(true, created: true);
    }

    public Task EndVisit(string visitId)
    {
        if (_reserved?.VisitId == visitId)
        {
            _reserved = null;
        }

        return Task.CompletedTask;
    }

    public Task Committed(LedgerEvent e)
    {
        if (_reserved?.VisitId == e.Visit.VisitId)
        {
            // Stored now: the projection (with this event ahead of delivery) says whether it is open.
            _reserved = null;
        }

        if (e.Seq > S.Ledger.Of(e.Partition))
        {
            _ahead.Add(e);
        }

        return Task.CompletedTask;
    }

    public Task Apply(IReadOnlyList<LedgerEvent> events)
    {
        var changed = false;
        var summaryChanged = false;
        foreach (var e in events)
        {
            if (S.Ledger.TryAdvance(e))
            {
                VolunteerProjection.Apply(S, e);
                changed = true;
                // A check-in changes nothing the district's summary of the volunteer shows (hours, last served).
                summaryChanged |= e.Step != VisitStep.CheckedIn;
            }
        }

        if (changed)
        {
            _ahead.RemoveAll(e => e.Seq <= S.Ledger.Of(e.Partition));
            WriteBehind();
        }

        if (summaryChanged)
        {
            PublishBehind();
        }

        return Task.CompletedTask;
    }

    /// <summary>The stored projection with the committed events not yet delivered applied on a copy.</summary>
    private VolunteerState Current()
    {
        if (_ahead.Count == 0)
        {
            return S;
        }

        var copy = new VolunteerState
        {
            OpenVisits = new(S.OpenVisits),
            CertifiedHours = S.CertifiedHours,
            PendingVisits = new(S.PendingVisits),
            VisitCount = S.VisitCount,
            LastServedAt = S.LastServedAt,
            HouseholdsServed = [.. S.HouseholdsServed],
            Ledger = new LedgerPositions { Applied = new(S.Ledger.Applied) },
        };
        foreach (var e in _ahead.OrderBy(e => e.Partition).ThenBy(e => e.Seq))
        {
            if (copy.Ledger.TryAdvance(e))
            {
                VolunteerProjection.Apply(copy, e);
            }
        }

        return copy;
    }

    public async Task PairingStarted(PairingRef pairing)
    {
        if (S.Pairings.TryAdd(pairing.PairingId, pairing))
        {
            await StoreAsync();
            await PublishAsync();
        }
    }

    public async Task PairingEnded(string pairingId)
    {
        if (S.Pairings.Remove(pairingId))
        {
            await StoreAsync();
            await PublishAsync();
        }
    }

    private VolunteerHours Hours() => Hours(Current());

    private VolunteerHours Hours(VolunteerState s) => new(
        VolunteerId,
        s.CertifiedHours,
        Math.Round(s.PendingVisits.Values.Sum(), 2),
        HoursRules.StarLevel(s.CertifiedHours, _rules),
        s.VisitCount);

    private double AverageRating => S.Ratings.Count == 0 ? 0 : Math.Round(S.Ratings.Average(r => r.Stars), 2);

    private VolunteerView View() => new(
        VolunteerId,
        S.Profile!,
        S.Pairings.Values.OrderBy(p => p.StartedAt).ToList(),
        (_reserved ?? Current().VisitInProgress)?.VisitId,
        Hours(),
        S.Ratings.Count == 0 ? null : AverageRating,
        S.Trainings,
        Current().LastServedAt,
        S.RegisteredAt);

    /// <summary>Sends the volunteer's summary to the district; completes once a summary at least this new is stored there.</summary>
    private Task PublishAsync()
    {
        _urgent = true;
        return Publisher.CommitAsync();
    }

    private GroupCommit Publisher => _publish ??= new GroupCommit(SendSummaryAsync);

    /// <summary>
    /// Publishes without holding the caller: a delivery from the ledger must not wait for the district's write. The
    /// district stores it with its next write; if it was activated again first (it never had it) or the call failed, the
    /// summary goes again (a failure waits longer each time, at most 30 s) for as long as the activation lives; one
    /// that goes first leaves <see cref="VolunteerState.SummaryUnconfirmed"/> in its stored state, and the next
    /// activation sends the summary again.
    /// </summary>
    private void PublishBehind()
    {
        S.SummaryUnconfirmed = true;
        _ = PublishBehindAsync();
    }

    private async Task PublishBehindAsync()
    {
        for (var attempt = 1; !_deactivating; attempt++)
        {
            try
            {
                await Publisher.CommitAsync();
                if (_summaryBehind is not { } behind || await GrainFactory.GetGrain<IDistrictGrain>(behind.District).SummaryStored(behind.Ticket))
                {
                    // In memory: stored with the next write; until then a new activation sends it once more, harmlessly.
                    S.SummaryUnconfirmed = false;
                    return;
                }

                Log.SummaryLost(logger, VolunteerId, behind.District);
            }
            catch (Exception ex)
            {
                Log.PublishFailed(logger, ex, VolunteerId);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(200 << Math.Min(attempt, 8), 30_000)), time);
            }
        }
    }

    private Task SendSummaryAsync()
    {
        if (S.Profile is not { } p)
        {
            return Task.CompletedTask;
        }

        var hours = Hours(S);
        var summary = new VolunteerSummary(
            VolunteerId,
            p.DistrictId,
            Masking.Name(p.Name),
            p.Status,
            p.Skills,
            p.Availability,
            p.Willingness.Categories,
            p.Willingness.MaxTravelKm,
            p.Home,
            S.Pairings.Count,
            AverageRating,
            S.LastServedAt,
            hours.CertifiedHours,
            hours.PendingHours,
            hours.StarLevel,
            S.HouseholdsServed,
            S.Trainings);
        var district = GrainFactory.GetGrain<IDistrictGrain>(p.DistrictId);
        if (_urgent)
        {
            _urgent = false;
            _summaryBehind = null;
            return district.UpsertVolunteer(summary);
        }

        return SendBehindAsync(district, summary);
    }

    private async Task SendBehindAsync(IDistrictGrain district, VolunteerSummary summary) =>
        _summaryBehind = (summary.DistrictId, await district.UpsertVolunteerBehind(summary));

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Writing volunteer {VolunteerId} behind failed; the ledger still has the events")]
        public static partial void WriteBehindFailed(ILogger logger, Exception exception, string volunteerId);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Publishing volunteer {VolunteerId} to the district failed")]
        public static partial void PublishFailed(ILogger logger, Exception exception, string volunteerId);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "District {DistrictId} lost the summary of volunteer {VolunteerId} before storing it (a new activation); sending it again")]
        public static partial void SummaryLost(ILogger logger, string volunteerId, string districtId);
    }
}
