using System.Globalization;
using Boai.Orleans.Catalogue;
using Boai.Orleans.Districts;
using Boai.Orleans.Households;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Orders;
using Boai.Orleans.Rules;
using Boai.Orleans.Volunteers;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Visits;

[GenerateSerializer]
public sealed class VisitState
{
    [Id(0)] public string? VolunteerId { get; set; }
    [Id(1)] public string HouseholdId { get; set; } = "";
    [Id(2)] public string DistrictId { get; set; } = "";
    [Id(3)] public string? NeedId { get; set; }
    [Id(4)] public DateTimeOffset CheckedInAt { get; set; }
    [Id(5)] public DateTimeOffset CheckInReceivedAt { get; set; }
    [Id(6)] public string CheckInRequest { get; set; } = "";
    [Id(7)] public GeoPoint? HouseholdLocation { get; set; }
    [Id(8)] public List<string> Flags { get; set; } = [];
    [Id(9)] public DateTimeOffset? CheckedOutAt { get; set; }
    [Id(10)] public DateTimeOffset? CheckOutReceivedAt { get; set; }
    [Id(11)] public string? CheckOutRequest { get; set; }
    [Id(12)] public int? DurationMinutes { get; set; }
    [Id(13)] public double? Hours { get; set; }
    [Id(14)] public List<string> Services { get; set; } = [];
    [Id(15)] public string? Notes { get; set; }
    [Id(16)] public VisitStatus Status { get; set; }
    [Id(17)] public string? DecidedBy { get; set; }
    [Id(18)] public string? DecisionReason { get; set; }
    [Id(19)] public bool Backfilled { get; set; }
    /// <summary>Menu orders the volunteer took for this household: the visit completes them.</summary>
    [Id(20)] public List<string> OrderIds { get; set; } = [];

    public bool Exists => VolunteerId is not null;
}

/// <summary>
/// One visit. The phone's time and the server's receipt time are both kept; flags hold hours for a coordinator.
/// A finished visit is in the ledger before its check-out is acknowledged, and every effect on the volunteer,
/// household and district is idempotent, so a retried request finishes whatever a crash interrupted.
/// </summary>
public sealed class VisitGrain(
    [PersistentState("visit")] IPersistentState<VisitState> state,
    IVisitLedger ledger,
    ServiceCatalogue catalogue,
    TimeProvider time,
    IOptions<ServiceRulesOptions> rules) : Grain, IVisitGrain
{
    private readonly ServiceRulesOptions _rules = rules.Value;

    private string VisitId => this.GetPrimaryKeyString();

    private VisitState S => state.State;

    public async Task<Outcome<VisitView>> CheckIn(CheckIn request)
    {
        var fingerprint = Fingerprint(request.VolunteerId, request.HouseholdId, request.NeedId, request.At, request.Location);
        if (S.Exists)
        {
            if (S.CheckInRequest != fingerprint)
            {
                return Failure.Conflict("此 visitId 已用于另一次签到 / This visitId was used for a different check-in");
            }

            if (S.Status == VisitStatus.CheckedIn)
            {
                await ApplyCheckInAsync();
            }

            return Outcome<VisitView>.Ok(View());
        }

        var receivedAt = time.GetUtcNow();
        if (HoursRules.TimeProblem(request.At, receivedAt, _rules) is { } problem)
        {
            return Failure.Invalid("at", problem);
        }

        var context = await GrainFactory.GetGrain<IHouseholdGrain>(request.HouseholdId).GetVisitContext(request.VolunteerId, request.NeedId);
        if (context.Failure is { } refused)
        {
            return refused;
        }

        var begun = await GrainFactory.GetGrain<IVolunteerGrain>(request.VolunteerId).BeginVisit(VisitId, request.HouseholdId, request.At);
        if (begun.Failure is { } busy)
        {
            return busy;
        }

        S.VolunteerId = request.VolunteerId;
        S.HouseholdId = request.HouseholdId;
        S.DistrictId = context.Value!.DistrictId;
        S.NeedId = request.NeedId;
        S.CheckedInAt = request.At;
        S.CheckInReceivedAt = receivedAt;
        S.CheckInRequest = fingerprint;
        S.HouseholdLocation = context.Value.Location;
        S.OrderIds = [.. context.Value.OrderIds ?? []];
        S.Status = VisitStatus.CheckedIn;
        S.Flags = Flags(request.At, receivedAt, request.Location).ToList();
        await state.WriteStateAsync();
        Telemetry.CheckedIn(S.DistrictId);
        await ApplyCheckInAsync();
        return Outcome<VisitView>.Ok(View(), created: true);
    }

    public async Task<Outcome<VisitView>> CheckOut(CheckOut request)
    {
        if (!S.Exists || S.Backfilled)
        {
            return Failure.Conflict("此探访从未签到 / This visit was never checked in");
        }

        if (request.VolunteerId != S.VolunteerId)
        {
            return Failure.Forbidden("这不是你的探访 / This visit belongs to another volunteer");
        }

        var fingerprint = Fingerprint(request.VolunteerId, string.Join(',', request.Services), request.Notes, request.At, request.Location);
        if (S.CheckOutRequest is not null)
        {
            if (S.CheckOutRequest != fingerprint)
            {
                return Failure.Conflict("此探访已用另一份签退记录签退 / This visit was checked out with a different request");
            }

            await ApplyCheckOutAsync();
            return Outcome<VisitView>.Ok(View());
        }

        var receivedAt = time.GetUtcNow();
        if (HoursRules.TimeProblem(request.At, receivedAt, _rules) is { } problem)
        {
            return Failure.Invalid("at", problem);
        }

        if (request.At < S.CheckedInAt)
        {
            return Failure.Invalid("at", "签退时间不能早于签到时间 / Check-out cannot precede check-in");
        }

        if (request.Services.FirstOrDefault(s => catalogue.Find(s) is null) is { } unknown)
        {
            return Failure.Invalid("services", $"服务清单中没有 {unknown} / {unknown} is not a catalogue item");
        }

        var minutes = HoursRules.DurationMinutes(S.CheckedInAt, request.At);
        var flags = S.Flags.Union(Flags(request.At, receivedAt, request.Location)).ToList();
        if (request.At - S.CheckedInAt > _rules.MaxVisitDuration)
        {
            flags.Add(HoursRules.OverCap);
        }

        var hours = HoursRules.Hours(minutes, _rules);
        var status = flags.Count == 0 && _rules.AutoCertifyCleanVisits ? VisitStatus.Certified : VisitStatus.CheckedOut;

        await ledger.AppendAsync(Entry(request.At, minutes, hours, flags, request.Services, request.Notes, receivedAt, backfillReason: null));
        if (status == VisitStatus.Certified)
        {
            await ledger.AppendDecisionAsync(new LedgerDecision(VisitId, S.VolunteerId!, S.DistrictId, S.CheckedInAt, status, "auto", receivedAt, null));
            S.DecidedBy = "auto";
        }

        S.CheckedOutAt = request.At;
        S.CheckOutReceivedAt = receivedAt;
        S.CheckOutRequest = fingerprint;
        S.DurationMinutes = minutes;
        S.Hours = hours;
        S.Flags = flags;
        S.Services = [.. request.Services];
        S.Notes = request.Notes;
        S.Status = status;
        await state.WriteStateAsync();
        Telemetry.CheckedOut(S.DistrictId);
        await ApplyCheckOutAsync();
        return Outcome<VisitView>.Ok(View());
    }

    public Task<VisitView?> Get() => Task.FromResult(S.Exists ? View() : null);

    public Task<Outcome<VisitView>> Certify(string by) => DecideAsync(VisitStatus.Certified, by, null);

    public Task<Outcome<VisitView>> Reject(string by, string reason) => DecideAsync(VisitStatus.Rejected, by, reason);

    public async Task<Outcome<VisitView>> Backfill(Backfill request)
    {
        var fingerprint = Fingerprint(request.VolunteerId, request.HouseholdId, request.NeedId, request.CheckedInAt, null)
            + "|" + Fingerprint(request.Reason, string.Join(',', request.Services), request.Notes, request.CheckedOutAt, null);
        if (S.Exists)
        {
            if (!S.Backfilled || S.CheckInRequest != fingerprint)
            {
                return Failure.Conflict("此 visitId 已被使用 / This visitId is already used");
            }

            await ApplyCheckOutAsync();
            return Outcome<VisitView>.Ok(View());
        }

        var now = time.GetUtcNow();
        if (request.CheckedInAt > now + _rules.MaxClockSkew)
        {
            return Failure.Invalid("checkedInAt", "时间晚于服务器时间 / Time is in the future");
        }

        if (request.CheckedOutAt < request.CheckedInAt)
        {
            return Failure.Invalid("checkedOutAt", "签退时间不能早于签到时间 / Check-out cannot precede check-in");
        }

        if (request.Services.FirstOrDefault(s => catalogue.Find(s) is null) is { } unknown)
        {
            return Failure.Invalid("services", $"服务清单中没有 {unknown} / {unknown} is not a catalogue item");
        }

        var household = GrainFactory.GetGrain<IHouseholdGrain>(request.HouseholdId);
        if (await household.GetDistrict() is not { } districtId)
        {
            return Failure.NotFound("家庭不存在 / Household not found");
        }

        if (await GrainFactory.GetGrain<IVolunteerGrain>(request.VolunteerId).Get() is null)
        {
            return Failure.Invalid("volunteerId", "志愿者不存在 / Unknown volunteer");
        }

        var minutes = HoursRules.DurationMinutes(request.CheckedInAt, request.CheckedOutAt);
        var hours = HoursRules.Hours(minutes, _rules);
        List<string> flags = request.CheckedOutAt - request.CheckedInAt > _rules.MaxVisitDuration ? [HoursRules.OverCap] : [];

        S.VolunteerId = request.VolunteerId;
        S.HouseholdId = request.HouseholdId;
        S.DistrictId = districtId;
        S.NeedId = request.NeedId;
        S.CheckedInAt = request.CheckedInAt;
        S.CheckInReceivedAt = now;
        S.CheckInRequest = fingerprint;
        S.Backfilled = true;

        // The coordinator who back-fills a visit vouches for it: it is certified as it is recorded.
        await ledger.AppendAsync(Entry(request.CheckedOutAt, minutes, hours, flags, request.Services, request.Notes, now, request.Reason));
        await ledger.AppendDecisionAsync(new LedgerDecision(VisitId, request.VolunteerId, districtId, request.CheckedInAt, VisitStatus.Certified, request.By, now, request.Reason));
        S.CheckedOutAt = request.CheckedOutAt;
        S.CheckOutReceivedAt = now;
        S.DurationMinutes = minutes;
        S.Hours = hours;
        S.Flags = flags;
        S.Services = [.. request.Services];
        S.Notes = request.Notes;
        S.Status = VisitStatus.Certified;
        S.DecidedBy = request.By;
        S.DecisionReason = request.Reason;
        await state.WriteStateAsync();
        await ApplyCheckOutAsync();
        return Outcome<VisitView>.Ok(View(), created: true);
    }

    private async Task<Outcome<VisitView>> DecideAsync(VisitStatus decision, string by, string? reason)
    {
        if (!S.Exists)
        {
            return Failure.NotFound("探访不存在 / Visit not found");
        }

        if (S.Status == decision)
        {
            return Outcome<VisitView>.Ok(View());
        }

        if (S.Status != VisitStatus.CheckedOut)
        {
            return Failure.Conflict(S.Status == VisitStatus.CheckedIn
                ? "探访尚未签退 / The visit is not checked out yet"
                : "此探访已有决定 / This visit was already decided");
        }

        var now = time.GetUtcNow();
        await ledger.AppendDecisionAsync(new LedgerDecision(VisitId, S.VolunteerId!, S.DistrictId, S.CheckedInAt, decision, by, now, reason));
        S.Status = decision;
        S.DecidedBy = by;
        S.DecisionReason = reason;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IVolunteerGrain>(S.VolunteerId!).ApplyDecision(VisitId, S.Hours ?? 0, decision);
        return Outcome<VisitView>.Ok(View());
    }

    private Task ApplyCheckInAsync() =>
        GrainFactory.GetGrain<IDistrictGrain>(S.DistrictId).VisitCheckedIn(new ActiveVisit(VisitId, S.VolunteerId!, S.HouseholdId, S.CheckedInAt));

    /// <summary>
    /// Tells the volunteer, the household, the district and any order of the finished visit. Each call is idempotent
    /// on the visit id, so a retry repeats them harmlessly. The volunteer's and the household's updates are
    /// independent and run at once (one storage latency fewer on the check-out's path); the district comes after the
    /// household, so a district watcher hears the household's coverage change before the visit's check-out.
    /// </summary>
    private async Task ApplyCheckOutAsync()
    {
        var household = GrainFactory.GetGrain<IHouseholdGrain>(S.HouseholdId)
            .VisitCompleted(new VisitBrief(VisitId, S.VolunteerId!, S.NeedId, S.CheckedInAt, S.CheckedOutAt, S.Hours));
        await Task.WhenAll(RecordOnVolunteerAsync(), household);
        await GrainFactory.GetGrain<IDistrictGrain>(S.DistrictId)
            .VisitCheckedOut(new ActiveVisit(VisitId, S.VolunteerId!, S.HouseholdId, S.CheckedInAt), S.CheckedOutAt!.Value, S.Hours ?? 0);
        foreach (var orderId in S.OrderIds)
        {
            await GrainFactory.GetGrain<IOrderGrain>(orderId).Completed(VisitId, S.VolunteerId!, S.CheckedOutAt.Value);
        }
    }

    private async Task RecordOnVolunteerAsync()
    {
        var volunteer = GrainFactory.GetGrain<IVolunteerGrain>(S.VolunteerId!);
        await volunteer.RecordVisit(VisitId, S.HouseholdId, S.CheckedOutAt!.Value, S.Hours ?? 0, S.Status == VisitStatus.Rejected ? VisitStatus.CheckedOut : S.Status);
        if (S.Status is VisitStatus.Certified or VisitStatus.Rejected && S.DecidedBy is not null && !S.Backfilled)
        {
            await volunteer.ApplyDecision(VisitId, S.Hours ?? 0, S.Status);
        }
    }

    private IEnumerable<string> Flags(DateTimeOffset at, DateTimeOffset receivedAt, ReportedLocation? location)
    {
        if (HoursRules.IsLate(at, receivedAt, _rules))
        {
            yield return HoursRules.Late;
        }

        if (HoursRules.LocationFlag(location, S.HouseholdLocation, _rules) is { } flag)
        {
            yield return flag;
        }
    }

    private LedgerEntry Entry(DateTimeOffset checkedOutAt, int minutes, double hours, IReadOnlyList<string> flags, IReadOnlyList<string> services, string? notes, DateTimeOffset recordedAt, string? backfillReason) =>
        new(VisitId, S.VolunteerId!, S.HouseholdId, S.DistrictId, S.NeedId, S.CheckedInAt, checkedOutAt, minutes, hours, flags, services, notes,
            backfillReason is not null, backfillReason, recordedAt);

    /// <summary>What makes two requests "the same request": every field the caller sent, times as instants.</summary>
    private static string Fingerprint(string a, string? b, string? c, DateTimeOffset at, ReportedLocation? location) =>
        string.Join(
            '|',
            a,
            b ?? "",
            c ?? "",
            at.UtcTicks.ToString(CultureInfo.InvariantCulture),
            location is null ? "" : string.Create(CultureInfo.InvariantCulture, $"{location.Lat:R},{location.Lng:R},{location.AccuracyM:R}"));

    private VisitView View() => new(
        VisitId,
        S.VolunteerId!,
        S.HouseholdId,
        S.DistrictId,
        S.NeedId,
        S.CheckedInAt,
        S.CheckedOutAt,
        S.DurationMinutes,
        S.Hours,
        S.Status,
        S.Flags,
        S.Services,
        S.Notes,
        S.CheckInReceivedAt,
        S.CheckOutReceivedAt,
        S.DecidedBy,
        S.DecisionReason,
        S.Backfilled);
}
