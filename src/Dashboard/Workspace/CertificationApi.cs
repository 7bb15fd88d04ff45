using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Districts;
using Boai.Orleans.Ledger;
using Boai.Orleans.Model;
using Boai.Orleans.Rules;
using Boai.Orleans.ServiceRecords;
using Boai.Orleans.Visits;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Workspace;

/// <summary>A finished visit waiting for a decision, as the queue shows it: the volunteer's name masked, the household by id and community.</summary>
public sealed record PendingVisitDto(
    string VisitId,
    string VolunteerId,
    string VolunteerName,
    string HouseholdId,
    string Community,
    string? NeedId,
    DateTimeOffset CheckedInAt,
    DateTimeOffset CheckedOutAt,
    int DurationMinutes,
    double Hours,
    IReadOnlyList<string> Flags,
    IReadOnlyList<string> Services,
    string? Notes,
    int Photos,
    bool Backfilled,
    string? BackfillReason,
    DateTimeOffset RecordedAt,
    bool NeedsSecondApproval = false,
    string? FirstApprovedBy = null,
    IReadOnlyList<string>? PhotoIds = null);

/// <summary>One page of a district's queue; <c>total</c> counts every pending visit of the window.</summary>
public sealed record PendingVisitsPage(string DistrictId, string Status, int Total, int Skip, int Take, IReadOnlyList<PendingVisitDto> Items);

/// <summary>
/// Certify or reject many visits at once; a reason is required to reject. <c>volunteerIds</c>, optional, parallel to
/// <c>visitIds</c>, says whose visit each id is when volunteers' phones chose the same id (the queue sends it).
/// </summary>
public sealed record DecisionsBody(IReadOnlyList<string?>? VisitIds, string? Decision, string? Reason, IReadOnlyList<string?>? VolunteerIds = null);

/// <summary>What became of one visit of a bulk decision: its HTTP status as if decided alone, the visit or the problem's title.</summary>
public sealed record DecisionResult(string VisitId, int Status, VisitView? Visit, string? Title);

public sealed record DecisionsResult(string DistrictId, int Decided, int Refused, IReadOnlyList<DecisionResult> Results);

/// <summary>The certification queue (待认证) of a district, read from the hours ledger, and decisions on many visits at once.</summary>
public static class CertificationApi
{
    public const string Pending = "pending";

    public static RouteGroupBuilder MapCertificationApi(this RouteGroupBuilder api)
    {
        var districts = api.MapGroup("/districts").WithTags("Certification");
        districts.MapGet("/{districtId}/visits", PendingVisits)
            .WithSummary("Visits waiting for certification (?status=pending), oldest first, paged by skip and take (1–200, default 50); flags, service record and photo count included.")
            .Produces<PendingVisitsPage>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        districts.MapPost("/{districtId}/visits/decisions", Decide)
            .WithSummary("Certifies or rejects (with a reason) many visits of the district; each visit answers as it would alone.")
            .Produces<DecisionsResult>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        return api;
    }

    private static async Task<IResult> PendingVisits(
        string districtId,
        string? status,
        int? skip,
        int? take,
        Caller caller,
        Access access,
        IGrainFactory grains,
        [FromServices] IVisitLedger ledger,
        IOptions<CertificationOptions> options,
        Certifier certifier,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var v = new Validation();
        if (status != Pending)
        {
            v.Add("status", "可选值 / One of: pending");
        }

        if (skip is < 0)
        {
            v.Add("skip", "不能为负 / Must not be negative");
        }

        if (take is < 1 or > 200)
        {
            v.Add("take", "1 到 200 / Between 1 and 200");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var now = time.GetUtcNow();
        var pending = await ledger.PendingInDistrictAsync(districtId, now - options.Value.PendingWindow, now.AddDays(1), cancellationToken);
        var from = skip ?? 0;
        var count = take ?? 50;
        var page = pending.Skip(from).Take(count).ToList();
        var district = grains.GetGrain<IDistrictGrain>(districtId);
        var names = (await district.GetVolunteers()).ToDictionary(x => x.VolunteerId, x => Masking.Name(x.MaskedName), StringComparer.Ordinal);
        var communities = (await district.GetHouseholds()).ToDictionary(h => h.HouseholdId, h => h.Community, StringComparer.Ordinal);
        // A pending back-fill waits for a second person; its recorder approved it first.
        var needsTwo = page.Select(p => p.Entry.Backfilled || certifier.NeedsTwo(p.Entry.Flags, p.Entry.Hours)).ToList();
        var firsts = await Task.WhenAll(page.Select((p, i) => needsTwo[i] && !p.Entry.Backfilled
            ? certifier.FirstApprovalOf(new VisitKey(p.Entry.VolunteerId, p.Entry.VisitId))
            : Task.FromResult<Certification.FirstApproval?>(null)));
        // The phone app's photos live with the visit's service record (ServiceRecordGrain, keyed by the visit's key), not in the ledger.
        var records = await Task.WhenAll(page.Select(p => grains.GetGrain<IServiceRecordGrain>(new VisitKey(p.Entry.VolunteerId, p.Entry.VisitId).ToString()).Get()));
        var items = page.Select(p => p.Entry).Select((e, i) => new PendingVisitDto(
            e.VisitId,
            e.VolunteerId,
            names.GetValueOrDefault(e.VolunteerId, ""),
            e.HouseholdId,
            communities.GetValueOrDefault(e.HouseholdId, ""),
            e.NeedId,
            e.CheckedInAt,
            e.CheckedOutAt,
            e.DurationMinutes,
            e.Hours,
            e.Flags,
            e.Services,
            e.Notes,
            Photos: records[i]?.Photos.Count ?? 0,
            e.Backfilled,
            e.BackfillReason,
            e.RecordedAt,
            needsTwo[i],
            e.Backfilled ? e.BackfilledBy : firsts[i]?.By,
            records[i]?.Photos.Select(p => p.PhotoId).ToList() ?? [])).ToList();
        return TypedResults.Ok(new PendingVisitsPage(districtId, Pending, pending.Count, from, count, items));
    }

    private static async Task<IResult> Decide(
        string districtId, DecisionsBody body, Caller caller, Access access, IGrainFactory grains, IOptions<CertificationOptions> options, Certifier certifier)
    {
        var v = new Validation();
        var ids = new List<(string VisitId, string? VolunteerId)>();
        if (body.VisitIds is not { Count: > 0 } visitIds)
        {
            v.Add("visitIds", "至少一条服务记录 / At least one visit");
        }
        else if (visitIds.Count > options.Value.MaxBulk)
        {
            v.Add("visitIds", $"最多 {options.Value.MaxBulk} 条 / At most {options.Value.MaxBulk} visits");
        }
        else
        {
            if (body.VolunteerIds is { } volunteerIds && volunteerIds.Count != visitIds.Count)
            {
                v.Add("volunteerIds", "须与 visitIds 一一对应 / One per visit id, in the same order");
            }

            for (var i = 0; i < visitIds.Count; i++)
            {
                var id = v.Id($"visitIds[{i}]", visitIds[i]);
                var volunteerId = body.VolunteerIds?.ElementAtOrDefault(i) is { Length: > 0 } given ? v.Id($"volunteerIds[{i}]", given) : null;
                if (id.Length > 0 && !ids.Contains((id, volunteerId)))
                {
                    ids.Add((id, volunteerId));
                }
            }
        }

        var reject = body.Decision == "reject";
        if (body.Decision is not ("certify" or "reject"))
        {
            v.Add("decision", "可选值 / One of: certify, reject");
        }

        var reason = reject ? v.Text("reason", body.Reason, 500) : v.OptionalText("reason", body.Reason, 500);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        if (access.District(caller, districtId) is { } denied)
        {
            return denied;
        }

        var results = new List<DecisionResult>(ids.Count);
        foreach (var (visitId, volunteerId) in ids)
        {
            results.Add(await DecideOneAsync(districtId, visitId, volunteerId, reject, reason, caller, access, grains, certifier));
        }

        var decided = results.Count(r => r.Status is StatusCodes.Status200OK or StatusCodes.Status202Accepted);
        return TypedResults.Ok(new DecisionsResult(districtId, decided, results.Count - decided, results));
    }

    private static async Task<DecisionResult> DecideOneAsync(
        string districtId, string visitId, string? volunteerId, bool reject, string? reason, Caller caller, Access access, IGrainFactory grains, Certifier certifier)
    {
        if (volunteerId is null)
        {
            // The visit of this district with that id, whatever other districts' volunteers' phones chose.
            var candidates = await access.VisitCandidates(visitId);
            var here = candidates.Count == 1 ? candidates : candidates.Where(c => c.DistrictId == districtId).ToList();
            if (here.Count > 1)
            {
                return new DecisionResult(visitId, StatusCodes.Status400BadRequest, null,
                    $"多位义工的探访使用了 {visitId}，请给出 volunteerIds / Several volunteers' visits use the id {visitId}: send volunteerIds");
            }

            volunteerId = here.Count == 0 ? null : here[0].Key.VolunteerId;
        }

        var visit = volunteerId is null ? new Guarded<VisitView?>(null, null) : await access.Visit(caller, visitId, self: false, volunteerId);
        if (visit.Denied is not null)
        {
            return new DecisionResult(visitId, StatusCodes.Status403Forbidden, null, "无权访问 / Forbidden");
        }

        // A visit of another district is not found here, whoever may see it elsewhere.
        if (visit.Value is null || visit.Value.DistrictId != districtId)
        {
            return new DecisionResult(visitId, StatusCodes.Status404NotFound, null, $"服务记录 {visitId} 不存在 / No visit {visitId}");
        }

        Outcome<VisitView> outcome;
        if (reject)
        {
            outcome = await grains.Visit(visit.Value.KeyOf()).Reject(caller.Sub, reason!);
        }
        else
        {
            (outcome, var awaiting) = await certifier.CertifyAsync(visit.Value, caller.Sub);
            if (awaiting is not null)
            {
                return new DecisionResult(visitId, StatusCodes.Status202Accepted, awaiting.Visit, awaiting.Title);
            }
        }

        return outcome.Failure is { } failure
            ? new DecisionResult(visitId, failure.Kind switch
            {
                FailureKind.NotFound => StatusCodes.Status404NotFound,
                FailureKind.Forbidden => StatusCodes.Status403Forbidden,
                FailureKind.Conflict => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status400BadRequest,
            }, null, failure.Title)
            : new DecisionResult(visitId, StatusCodes.Status200OK, outcome.Value, null);
    }
}
