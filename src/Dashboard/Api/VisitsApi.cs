using Boai.Orleans.Catalogue;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;
using Boai.Orleans.Volunteers;

namespace Boai.Orleans.Dashboard.Api;

public sealed record CheckInBody(string? HouseholdId, string? NeedId, DateTimeOffset? At, LocationBody? Location);

public sealed record CheckOutBody(DateTimeOffset? At, LocationBody? Location, IReadOnlyList<string?>? Services, string? Notes);

public sealed record RejectBody(string? Reason);

/// <summary>A visit a coordinator records after the fact (补录), with the reason.</summary>
public sealed record BackfillBody(
    string? VolunteerId,
    string? HouseholdId,
    string? NeedId,
    DateTimeOffset? CheckedInAt,
    DateTimeOffset? CheckedOutAt,
    IReadOnlyList<string?>? Services,
    string? Notes,
    string? Reason);

/// <summary>Where a check-in enters: phones check in and out; coordinators certify, reject and back-fill.</summary>
public static class VisitsApi
{
    public const string RateLimitPolicy = "visits";

    public static RouteGroupBuilder MapVisitsApi(this RouteGroupBuilder api)
    {
        var visits = api.MapGroup("/visits").WithTags("Visits").RequireRateLimiting(RateLimitPolicy);

        visits.MapPost("/{visitId}/check-in", CheckIn)
            .WithSummary("The volunteer in the token starts a visit. Idempotent per visitId: a replay answers 200, a different body 409.")
            .Produces<VisitView>(StatusCodes.Status201Created).Produces<VisitView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(429);
        visits.MapPost("/{visitId}/check-out", CheckOut)
            .WithSummary("Ends the volunteer's visit; hours stay pending until certified. Idempotent like check-in.")
            .Produces<VisitView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(409).ProducesProblem(429);
        visits.MapGet("/{visitId}", Get)
            .WithSummary("A visit: its volunteer, or coordinators of its district.")
            .Produces<VisitView>().ProducesProblem(403).ProducesProblem(404);
        visits.MapPost("/{visitId}/certify", Certify)
            .WithSummary("A coordinator certifies the visit's hours; a flagged visit over Certification:SecondApprovalOverHours answers 202 until a second coordinator or operator certifies it.")
            .Produces<VisitView>().Produces<Workspace.AwaitingSecondApproval>(StatusCodes.Status202Accepted).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        visits.MapPost("/{visitId}/reject", Reject)
            .WithSummary("A coordinator rejects the visit's hours, with a reason.")
            .Produces<VisitView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        visits.MapPost("/{visitId}/backfill", Backfill)
            .WithSummary("A coordinator records a visit after the fact (补录), with the reason; 201 new, 200 replay.")
            .Produces<VisitView>(StatusCodes.Status201Created).Produces<VisitView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    private static async Task<IResult> CheckIn(string visitId, CheckInBody body, Caller caller, IGrainFactory grains)
    {
        if (!caller.IsVolunteer)
        {
            return ApiProblems.Forbidden("只有义工本人签到 / Only volunteers check in");
        }

        var v = new Validation();
        v.Id("visitId", visitId);
        var householdId = v.Id("householdId", body.HouseholdId);
        var needId = NeedOf(v, body.NeedId, householdId);
        var at = v.Time("at", body.At);
        var location = v.Location("location", body.Location);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        // No read first: the visit grain answers 403 for another volunteer's visit itself, so a new check-in waits
        // for one storage request, its ledger append.
        var outcome = await grains.GetGrain<IVisitGrain>(visitId).CheckIn(new CheckIn(caller.Sub, householdId, needId, at, location));
        return outcome.ToResult(visit => visit, $"/api/v1/visits/{visitId}");
    }

    private static async Task<IResult> CheckOut(
        string visitId, CheckOutBody body, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        if (!caller.IsVolunteer)
        {
            return ApiProblems.Forbidden("只有义工本人签退 / Only volunteers check out");
        }

        var v = new Validation();
        v.Id("visitId", visitId);
        var at = v.Time("at", body.At);
        var location = v.Location("location", body.Location);
        var services = v.List("services", body.Services, s => catalogue.Find(s) is not null);
        var notes = v.OptionalText("notes", body.Notes, 2000);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var existing = await access.Visit(caller, visitId);
        if (existing.Denied is not null)
        {
            return existing.Denied;
        }

        var outcome = await grains.GetGrain<IVisitGrain>(visitId).CheckOut(new CheckOut(caller.Sub, at, location, services, notes));
        return outcome.ToOk(visit => visit);
    }

    private static async Task<IResult> Get(string visitId, Caller caller, Access access)
    {
        if (!Ids.IsValid(visitId))
        {
            return ApiProblems.Invalid("visitId", Ids.IdRule);
        }

        var visit = await access.Visit(caller, visitId);
        return visit.Denied ?? (visit.Value is { } found ? TypedResults.Ok(found) : NoVisit(visitId));
    }

    private static async Task<IResult> Certify(string visitId, Caller caller, Access access, Workspace.Certifier certifier)
    {
        var visit = await access.Visit(caller, visitId, self: false);
        if (visit.Denied is not null || visit.Value is null)
        {
            return visit.Denied ?? NoVisit(visitId);
        }

        // A flagged visit over the configured hours is held (202) until a second person certifies it (四眼原则).
        return await certifier.CertifyResultAsync(visit.Value, caller.Sub);
    }

    private static async Task<IResult> Reject(string visitId, RejectBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        var reason = v.Text("reason", body.Reason, 500);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var visit = await access.Visit(caller, visitId, self: false);
        if (visit.Denied is not null || visit.Value is null)
        {
            return visit.Denied ?? NoVisit(visitId);
        }

        return (await grains.GetGrain<IVisitGrain>(visitId).Reject(caller.Sub, reason)).ToOk(view => view);
    }

    private static async Task<IResult> Backfill(
        string visitId, BackfillBody body, Caller caller, Access access, IGrainFactory grains, ServiceCatalogue catalogue)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var v = new Validation();
        v.Id("visitId", visitId);
        var volunteerId = v.Id("volunteerId", body.VolunteerId);
        var householdId = v.Id("householdId", body.HouseholdId);
        var needId = NeedOf(v, body.NeedId, householdId);
        var checkedInAt = v.Time("checkedInAt", body.CheckedInAt);
        var checkedOutAt = v.Time("checkedOutAt", body.CheckedOutAt);
        if (body.CheckedInAt is not null && body.CheckedOutAt is not null && checkedOutAt <= checkedInAt)
        {
            v.Add("checkedOutAt", "签退应晚于签到 / Must be after checkedInAt");
        }

        var services = v.List("services", body.Services, s => catalogue.Find(s) is not null);
        var notes = v.OptionalText("notes", body.Notes, 2000);
        var reason = v.Text("reason", body.Reason, 500);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var household = await access.Household(caller, householdId);
        if (household.Denied is not null)
        {
            return household.Denied;
        }

        var existing = await access.Visit(caller, visitId, self: false);
        if (existing.Denied is not null)
        {
            return existing.Denied;
        }

        if (await grains.GetGrain<IVolunteerGrain>(volunteerId).Get() is null)
        {
            return ApiProblems.Invalid("volunteerId", "未知的义工 / Unknown volunteer");
        }

        var outcome = await grains.GetGrain<IVisitGrain>(visitId).Backfill(
            new Backfill(volunteerId, householdId, needId, checkedInAt, checkedOutAt, services, notes, reason, caller.Sub));
        return outcome.ToResult(view => view, $"/api/v1/visits/{visitId}");
    }

    /// <summary>An optional need id must be one of the household's own: a need, or a menu order the volunteer took.</summary>
    private static string? NeedOf(Validation v, string? needId, string householdId)
    {
        if (string.IsNullOrEmpty(needId))
        {
            return null;
        }

        if ((Ids.OwnerHousehold(needId, 'n') ?? Ids.OwnerHousehold(needId, 'o')) is not { } owner || (householdId.Length > 0 && owner != householdId))
        {
            v.Add("needId", "不是该家庭的需求 / Not a need of this household");
        }

        return needId;
    }

    private static IResult NoVisit(string visitId) => ApiProblems.NotFound($"服务记录 {visitId} 不存在 / No visit {visitId}");
}
