using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Visits;

/// <summary>
/// One visit. Its state is its latest ledger event: each step (check-in, check-out, decision, back-fill) is one
/// append to the ledger, the only storage request the caller waits for, and the grain adopts the new state only once
/// that append is durable. A failed append changes nothing, and the next request reads the ledger again, so a retry is
/// answered from what storage holds, never from memory. The volunteer, household, district and orders follow from
/// the committed events (<see cref="LedgerPartitionGrain"/>). Keyed by <see cref="VisitKey"/>: the visit of one
/// volunteer, whatever other volunteers' phones chose the same id.
/// </summary>
public sealed class VisitGrain(
    IVisitLog log,
    ServiceCatalogue catalogue,
    TimeProvider time,
    IOptions<ServiceRulesOptions> rules) : Grain, IVisitGrain
{
    private readonly ServiceRulesOptions _rules = rules.Value;
    private VisitRecord? _visit;
    private LedgerEvent? _last;
    private bool _loaded;

    private VisitKey Key => VisitKey.Parse(this.GetPrimaryKeyString());

    private string VisitId => Key.VisitId;

    private ILedgerPartitionGrain Partition => GrainFactory.GetGrain<ILedgerPartitionGrain>(log.PartitionOf(VisitId));

    public async Task<Outcome<VisitView>> CheckIn(CheckIn request)
    {
        if (request.VolunteerId != Key.VolunteerId)
        {
            return Failure.Forbidden("这不是你的探访 / This visit belongs to another volunteer");
        }

        var fingerprint = Fingerprint(request.VolunteerId, request.HouseholdId, request.NeedId, request.At, request.Location);
        // Not read before a first check-in: the append itself refuses a step that is stored already (then it is read).
        if (_loaded && _visit is { } existing)
        {
            return await StoredAnswerAsync(SameCheckIn(existing, request.VolunteerId, fingerprint));
        }

        var receivedAt = time.GetUtcNow();
        if (HoursRules.TimeProblem(request.At, receivedAt, _rules) is { } problem)
        {
            return Failure.Invalid("at", problem);
        }

        var context = await GrainFactory.GetGrain<IHouseholdGrain>(request.HouseholdId).GetVisitContext(request.VolunteerId, request.NeedId);
        if (context.Failure is { } refused)
        {
            return await StoredCheckInAsync(request.VolunteerId, fingerprint) ?? refused;
        }

        var volunteer = GrainFactory.GetGrain<IVolunteerGrain>(request.VolunteerId);
        var begun = await volunteer.BeginVisit(VisitId, request.HouseholdId, request.At);
        if (begun.Failure is { } busy)
        {
            return await StoredCheckInAsync(request.VolunteerId, fingerprint) ?? busy;
        }

        var record = new VisitRecord
        {
            VisitId = VisitId,
            VolunteerId = request.VolunteerId,
            HouseholdId = request.HouseholdId,
            DistrictId = context.Value!.DistrictId,
            NeedId = request.NeedId,
            CheckedInAt = request.At,
            CheckInReceivedAt = receivedAt,
            CheckInRequest = fingerprint,
            HouseholdLocation = context.Value.Location,
            OrderIds = [.. context.Value.OrderIds ?? []],
            Status = VisitStatus.CheckedIn,
        };
        record = record with { Flags = Flags(request.At, receivedAt, request.Location, record.HouseholdLocation).ToList() };
        AppendResult appended;
        try
        {
            appended = await AppendAsync(VisitStep.CheckedIn, record, request.Audit);
        }
        catch
        {
            await volunteer.EndVisit(VisitId);
            throw;
        }

        if (appended.AlreadyStored)
        {
            if (_visit!.Status != VisitStatus.CheckedIn || _visit.VolunteerId != request.VolunteerId)
            {
                await volunteer.EndVisit(VisitId);
            }

            return await StoredAnswerAsync(SameCheckIn(_visit, request.VolunteerId, fingerprint));
        }

        await volunteer.Committed(appended.Event);
        Telemetry.CheckedIn(record.DistrictId);
        return Outcome<VisitView>.Ok(View(_visit!), created: true) with { Audited = request.Audit is not null };
    }

    public Task<Outcome<VisitView>> CheckOut(CheckOut request) => CheckOutAsync(request);

    public async Task<VisitView?> Get() => await LoadAsync() is { } v ? View(v) : null;

    public Task<Outcome<VisitView>> Certify(string by) => DecideAsync(VisitStatus.Certified, by, null);

    public Task<Outcome<VisitView>> Reject(string by, string reason) => DecideAsync(VisitStatus.Rejected, by, reason);

    public async Task<Outcome<VisitView>> Backfill(Backfill request)
    {
        if (request.VolunteerId != Key.VolunteerId)
        {
            return Failure.Invalid("volunteerId", "不是此探访的义工 / Not the volunteer of this visit");
        }

        var fingerprint = Fingerprint(request.VolunteerId, request.HouseholdId, request.NeedId, request.CheckedInAt, null)
            + "|" + Fingerprint(request.Reason, string.Join(',', request.Services), request.Notes, request.CheckedOutAt, null);
        if (_loaded && _visit is { } existing)
        {
            return SameBackfill(existing, fingerprint);
        }

        var household = GrainFactory.GetGrain<IHouseholdGrain>(request.HouseholdId);
        if (await household.GetDistrict() is not { } districtId)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        if (!request.By.Covers(districtId))
        {
            return Failure.Forbidden("只能补录本镇区家庭的探访 / Back-fill visits of your own districts' households only");
        }

        if (await GrainFactory.GetGrain<IVolunteerGrain>(request.VolunteerId).Get() is not { } volunteer)
        {
            return Failure.Invalid("volunteerId", "志愿者不存在 / Unknown volunteer");
        }

        if (!request.By.Covers(volunteer.Profile.DistrictId))
        {
            return Failure.Forbidden("只能为本镇区的义工补录 / Back-fill visits of your own districts' volunteers only");
        }

        // The volunteer serves the household (a pairing or an order they took), or is of its district (an event, a
        // visit nobody paired); the need, if named, must be the household's.
        var context = await household.GetVisitContext(request.VolunteerId, request.NeedId);
        if (context.Failure is { Kind: not FailureKind.Forbidden } refused)
        {
            return refused;
        }

        if (context.Failure is not null && volunteer.Profile.DistrictId != districtId)
        {
            return Failure.Forbidden("该义工既未服务此家庭，也不属于其镇区 / The volunteer neither serves this household nor belongs to its district");
        }

        var now = time.GetUtcNow();
        if (BackfillRules.TimeProblem(request.CheckedInAt, request.CheckedOutAt, now, _rules) is var (field, message))
        {
            return Failure.Invalid(field, message);
        }

        if (UnknownService(request.Services) is { } unknown)
        {
            return unknown;
        }

        var minutes = HoursRules.DurationMinutes(request.CheckedInAt, request.CheckedOutAt);
        var flags = BackfillRules.Flags(request.CheckedInAt, request.CheckedOutAt, now, _rules);
        // The coordinator who back-fills a visit within the limits vouches for it: certified as it is recorded. Over
        // them it waits for a second person, and its recorder may not be that person (四眼原则).
        var certified = flags.Count == 0;
        var record = new VisitRecord
        {
            VisitId = VisitId,
            VolunteerId = request.VolunteerId,
            HouseholdId = request.HouseholdId,
            DistrictId = districtId,
            NeedId = request.NeedId,
            CheckedInAt = request.CheckedInAt,
            CheckInReceivedAt = now,
            CheckInRequest = fingerprint,
            Backfilled = true,
            BackfillReason = request.Reason,
            BackfilledBy = request.By.Sub,
            CheckedOutAt = request.CheckedOutAt,
            CheckOutReceivedAt = now,
            DurationMinutes = minutes,
            Hours = HoursRules.Hours(minutes, _rules),
            Flags = [.. flags],
            Services = [.. request.Services],
            Notes = request.Notes,
            Status = certified ? VisitStatus.Certified : VisitStatus.CheckedOut,
            DecidedBy = certified ? request.By.Sub : null,
            DecisionReason = certified ? request.Reason : null,
            DecidedAt = certified ? now : null,
        };
        var appended = await AppendAsync(VisitStep.Backfilled, record);
        if (appended.AlreadyStored)
        {
            return SameBackfill(_visit!, fingerprint);
        }

        await GrainFactory.GetGrain<IVolunteerGrain>(request.VolunteerId).Committed(appended.Event);
        return Outcome<VisitView>.Ok(View(_visit!), created: true);
    }

    private async Task<Outcome<VisitView>> CheckOutAsync(CheckOut request)
    {
        var visit = await LoadAsync();
        if (visit is null || visit.Backfilled)
        {
            return Failure.Conflict("此探访从未签到 / This visit was never checked in");
        }

        if (request.VolunteerId != visit.VolunteerId)
        {
            return Failure.Forbidden("这不是你的探访 / This visit belongs to another volunteer");
        }

        var fingerprint = Fingerprint(request.VolunteerId, string.Join(',', request.Services), request.Notes, request.At, request.Location);
        if (visit.CheckOutRequest is not null)
        {
            return visit.CheckOutRequest == fingerprint
                ? await StoredAnswerAsync(Outcome<VisitView>.Ok(View(visit)))
                : Failure.Conflict("此探访已用另一份签退记录签退 / This visit was checked out with a different request");
        }

        var receivedAt = time.GetUtcNow();
        if (HoursRules.TimeProblem(request.At, receivedAt, _rules) is { } problem)
        {
            return Failure.Invalid("at", problem);
        }

        if (request.At < visit.CheckedInAt)
        {
            return Failure.Invalid("at", "签退时间不能早于签到时间 / Check-out cannot precede check-in");
        }

        if (UnknownService(request.Services) is { } unknown)
        {
            return unknown;
        }

        var minutes = HoursRules.DurationMinutes(visit.CheckedInAt, request.At);
        var flags = visit.Flags.Union(Flags(request.At, receivedAt, request.Location, visit.HouseholdLocation)).ToList();
        if (request.At - visit.CheckedInAt > _rules.MaxVisitDuration)
        {
            flags.Add(HoursRules.OverCap);
        }

        var autoCertified = flags.Count == 0 && _rules.AutoCertifyCleanVisits;
        var next = visit with
        {
            CheckedOutAt = request.At,
            CheckOutReceivedAt = receivedAt,
            CheckOutRequest = fingerprint,
            DurationMinutes = minutes,
            Hours = HoursRules.Hours(minutes, _rules),
            Flags = flags,
            Services = [.. request.Services],
            Notes = request.Notes,
            Status = autoCertified ? VisitStatus.Certified : VisitStatus.CheckedOut,
            DecidedBy = autoCertified ? "auto" : null,
            DecidedAt = autoCertified ? receivedAt : null,
        };
        var appended = await AppendAsync(VisitStep.CheckedOut, next, request.Audit);
        if (appended.AlreadyStored)
        {
            // Stored by an earlier attempt whose answer was lost: the stored check-out decides the answer.
            return _visit!.CheckOutRequest == fingerprint
                ? await StoredAnswerAsync(Outcome<VisitView>.Ok(View(_visit)))
                : Failure.Conflict("此探访已用另一份签退记录签退 / This visit was checked out with a different request");
        }

        // In memory only: the volunteer may start the next visit, and sees these hours, before the event reaches their projection.
        await GrainFactory.GetGrain<IVolunteerGrain>(visit.VolunteerId).Committed(appended.Event);
        Telemetry.CheckedOut(visit.DistrictId);
        return Outcome<VisitView>.Ok(View(_visit!)) with { Audited = request.Audit is not null };
    }

    private async Task<Outcome<VisitView>> DecideAsync(VisitStatus decision, string by, string? reason)
    {
        var visit = await LoadAsync();
        if (visit is null)
        {
            return Failure.NotFound("探访不存在 / Visit not found");
        }

        if (visit.Status == decision)
        {
            return await StoredAnswerAsync(Outcome<VisitView>.Ok(View(visit)));
        }

        if (visit.Status != VisitStatus.CheckedOut)
        {
            return Failure.Conflict(visit.Status == VisitStatus.CheckedIn
                ? "探访尚未签退 / The visit is not checked out yet"
                : "此探访已有决定 / This visit was already decided");
        }

        if (decision == VisitStatus.Certified && visit.Backfilled && visit.BackfilledBy == by)
        {
            return Failure.Conflict(
                "补录人不能认证自己补录的探访，需另一位社工或运营者认证 / The coordinator who back-filled this visit cannot certify it: a second coordinator or an operator must",
                VisitRules.SecondPersonRequired);
        }

        var next = visit with { Status = decision, DecidedBy = by, DecisionReason = reason, DecidedAt = time.GetUtcNow() };
        var appended = await AppendAsync(VisitStep.Decided, next);
        if (appended.AlreadyStored)
        {
            return _visit!.Status == decision
                ? await StoredAnswerAsync(Outcome<VisitView>.Ok(View(_visit)))
                : Failure.Conflict("此探访已有决定 / This visit was already decided");
        }

        await GrainFactory.GetGrain<IVolunteerGrain>(visit.VolunteerId).Committed(appended.Event);
        return Outcome<VisitView>.Ok(View(_visit!));
    }

    /// <summary>The visit as the ledger has it, read once per activation (and again after a failed append).</summary>
    private async Task<VisitRecord?> LoadAsync()
    {
        if (!_loaded)
        {
            // The phone's id may name other volunteers' visits too: this grain's is its volunteer's.
            var events = (await log.ReadVisitAsync(VisitId)).Where(e => e.Visit.VolunteerId == Key.VolunteerId).ToList();
            _last = events.Count == 0 ? null : events[^1];
            _visit = _last?.Visit;
            _loaded = true;
        }

        return _visit;
    }

    /// <summary>
    /// The one storage request of a step. The new state is adopted only from the committed event; when the step was
    /// already stored, the grain reads the visit back and answers from that; when storage failed, nothing is adopted
    /// and the next request reads the ledger first. An <paramref name="audit"/> entry is stored in the same transaction
    /// when the step is new (not when it was stored already).
    /// </summary>
    private async Task<AppendResult> AppendAsync(VisitStep step, VisitRecord next, AuditEntry? audit = null)
    {
        AppendResult result;
        try
        {
            result = await AppendOnceMoreIfFencedAsync(step, next, audit);
        }
        catch
        {
            _loaded = false;
            _visit = null;
            _last = null;
            throw;
        }

        if (result.AlreadyStored)
        {
            _loaded = false;
            await LoadAsync();
        }
        else
        {
            _last = result.Event;
            _visit = result.Event.Visit;
            _loaded = true;
        }

        return result;
    }

    /// <summary>
    /// A fenced append (another activation of the partition appended: Orleans ran it twice for a moment) wrote nothing,
    /// and the partition reads its tail again before its next append (or goes, and a new activation reads it): the step
    /// is sent once more, so the phone is not answered an error for the cluster's own hiccup.
    /// </summary>
    private async Task<AppendResult> AppendOnceMoreIfFencedAsync(VisitStep step, VisitRecord next, AuditEntry? audit)
    {
        try
        {
            return await Partition.Append(step, next, audit);
        }
        catch (LedgerFencedException)
        {
            return await Partition.Append(step, next, audit);
        }
    }

    /// <summary>A refused check-in may be the retry of a stored one (this activation never read it): then that answers.</summary>
    private async Task<Outcome<VisitView>?> StoredCheckInAsync(string volunteerId, string fingerprint) =>
        await LoadAsync() is { } stored ? await StoredAnswerAsync(SameCheckIn(stored, volunteerId, fingerprint)) : null;

    /// <summary>
    /// A retry answered from storage: the volunteer is told the stored step again (in memory), so their hours count it
    /// even when the first attempt's process died before it could tell them and the ledger has not delivered it yet.
    /// </summary>
    private async Task<Outcome<VisitView>> StoredAnswerAsync(Outcome<VisitView> answer)
    {
        if (answer.Succeeded && _last is { } last)
        {
            await GrainFactory.GetGrain<IVolunteerGrain>(last.Visit.VolunteerId).Committed(last);
        }

        return answer;
    }

    private Outcome<VisitView> SameCheckIn(VisitRecord existing, string volunteerId, string fingerprint)
    {
        if (existing.VolunteerId != volunteerId)
        {
            return Failure.Forbidden("这不是你的探访 / This visit belongs to another volunteer");
        }

        return existing.CheckInRequest != fingerprint || existing.Backfilled
            ? Failure.Conflict("此 visitId 已用于另一次签到 / This visitId was used for a different check-in")
            : Outcome<VisitView>.Ok(View(existing));
    }

    private Outcome<VisitView> SameBackfill(VisitRecord existing, string fingerprint) =>
        !existing.Backfilled || existing.CheckInRequest != fingerprint
            ? Failure.Conflict("此 visitId 已被使用 / This visitId is already used")
            : Outcome<VisitView>.Ok(View(existing));

    /// <summary>Services must be items of the catalogue (服务清单): the one place that says so for visits.</summary>
    private Failure? UnknownService(IReadOnlyList<string> services)
    {
        var i = services.ToList().FindIndex(s => catalogue.Find(s) is null);
        return i < 0 ? null : Failure.Invalid($"services[{i}]", $"服务清单中没有 {services[i]} / {services[i]} is not a catalogue item");
    }

    private IEnumerable<string> Flags(DateTimeOffset at, DateTimeOffset receivedAt, ReportedLocation? location, GeoPoint? householdLocation)
    {
        if (HoursRules.IsLate(at, receivedAt, _rules))
        {
            yield return HoursRules.Late;
        }

        if (HoursRules.LocationFlag(location, householdLocation, _rules) is { } flag)
        {
            yield return flag;
        }
    }

    /// <summary>What makes two requests "the same request": every field the caller sent, times as instants.</summary>
    private static string Fingerprint(string a, string? b, string? c, DateTimeOffset at, ReportedLocation? location) =>
        string.Join(
            '|',
            a,
            b ?? "",
            c ?? "",
            at.UtcTicks.ToString(CultureInfo.InvariantCulture),
            location is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{location.Lat:R},{location.Lng:R},{location.AccuracyM:R}"));

    private static VisitView View(VisitRecord v) => new(
        v.VisitId,
        v.VolunteerId,
        v.HouseholdId,
        v.DistrictId,
        v.NeedId,
        v.CheckedInAt,
        v.CheckedOutAt,
        v.DurationMinutes,
        v.Hours,
        v.Status,
        v.Flags,
        v.Services,
        v.Notes,
        v.CheckInReceivedAt,
        v.CheckOutReceivedAt,
        v.DecidedBy,
        v.DecisionReason,
        v.Backfilled,
        v.BackfilledBy);
}
