using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Model;
using Boai.Orleans.Visits;

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

    /// <summary>How coordinators' routes name a visit whose id several volunteers' phones chose.</summary>
    public const string VolunteerIdParameter =
        "Visit ids are chosen by phones and unique per volunteer: when volunteers chose the same id, the optional query parameter volunteerId says whose visit (without it such an id answers 400 naming volunteerId).";

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
            .WithSummary("A visit: its volunteer, or coordinators of its district. " + VolunteerIdParameter)
            .Produces<VisitView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404);
        visits.MapPost("/{visitId}/certify", Certify)
            .WithSummary(VolunteerIdParameter + " A coordinator certifies the visit's hours; a flagged visit over Certification:SecondApprovalOverHours answers 202 until a second coordinator or operator certifies it, and a back-fill waiting for a second person answers 202 to the coordinator who recorded it.")
            .Produces<VisitView>().Produces<Workspace.AwaitingSecondApproval>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        visits.MapPost("/{visitId}/reject", Reject)
            .WithSummary("A coordinator rejects the visit's hours, with a reason. " + VolunteerIdParameter)
            .Produces<VisitView>().ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        visits.MapPost("/{visitId}/backfill", Backfill)
            .WithSummary("A coordinator records a visit after the fact (补录), with the reason; 201 new, 200 replay. The household and the volunteer must be of the caller's districts (operators: any), the volunteer serving the household or of its district, checkedOutAt after checkedInAt, not in the future and at most Rules:MaxBackfillDuration later. Within Rules:MaxVisitDuration and Rules:BackfillCertifyWithin it is certified at once; otherwise it waits (flags overCap / late) for a second coordinator or an operator: its recorder may not certify it.")
            .Produces<VisitView>(StatusCodes.Status201Created).Produces<VisitView>()
            .ProducesValidationProblem().ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
        return api;
    }

    private static async Task<IResult> CheckIn(string visitId, CheckInBody body, Caller caller, IGrainFactory grains, HttpContext http, TimeProvider time)
    {
        if (!caller.IsVolunteer)
        {
            return ApiProblems.Forbidden("只有义工本人签到 / Only volunteers check in");
        }

        var v = new Validation();
        v.Id("visitId", visitId);
        var householdId = v.Id("householdId", body.HouseholdId);
        var needId = NeedShape(v, body.NeedId);
        var at = v.Time("at", body.At);
        var location = v.Location("location", body.Location);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        // The visit is the caller's own (keyed by their id): another volunteer's phone choosing the same id has its own.
        // A new check-in (201) stores its audit entry in its own ledger append: the phone waits for that one write.
        var audit = AuditFilter.StampFor(http, caller, StatusCodes.Status201Created, time);
        var outcome = await grains.Visit(caller.Sub, visitId).CheckIn(new CheckIn(caller.Sub, householdId, needId, at, location, audit));
        Audited(http, outcome);
        return outcome.ToResult(visit => visit, $"/api/v1/visits/{visitId}");
    }

    private static async Task<IResult> CheckOut(string visitId, CheckOutBody body, Caller caller, IGrainFactory grains, HttpContext http, TimeProvider time)
    {
        if (!caller.IsVolunteer)
        {
            return ApiProblems.Forbidden("只有义工本人签退 / Only volunteers check out");
        }

        var v = new Validation();
        v.Id("visitId", visitId);
        var at = v.Time("at", body.At);
        var location = v.Location("location", body.Location);
        var services = Services(v, body.Services);
        var notes = v.OptionalText("notes", body.Notes, 2000);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var audit = AuditFilter.StampFor(http, caller, StatusCodes.Status200OK, time);
        var outcome = await grains.Visit(caller.Sub, visitId).CheckOut(new CheckOut(caller.Sub, at, location, services, notes, audit));
        Audited(http, outcome);
        return outcome.ToOk(visit => visit);
    }

    private static async Task<IResult> Get(string visitId, string? volunteerId, Caller caller, Access access)
    {
        if (Shape(visitId, volunteerId) is { } invalid)
        {
            return invalid;
        }

        var visit = await access.Visit(caller, visitId, volunteerId: volunteerId);
        return visit.Denied ?? (visit.Value is { } found ? TypedResults.Ok(found) : NoVisit(visitId));
    }

    private static async Task<IResult> Certify(string visitId, string? volunteerId, Caller caller, Access access, Workspace.Certifier certifier)
    {
        if (Shape(visitId, volunteerId) is { } invalid)
        {
            return invalid;
        }

        var visit = await access.Visit(caller, visitId, self: false, volunteerId);
        if (visit.Denied is not null || visit.Value is null)
        {
            return visit.Denied ?? NoVisit(visitId);
        }

        // A flagged visit over the configured hours is held (202) until a second person certifies it (四眼原则).
        return await certifier.CertifyResultAsync(visit.Value, caller.Sub);
    }

    private static async Task<IResult> Reject(string visitId, string? volunteerId, RejectBody body, Caller caller, Access access, IGrainFactory grains)
    {
        var v = new Validation();
        v.Id("visitId", visitId);
        OptionalId(v, "volunteerId", volunteerId);
        var reason = v.Text("reason", body.Reason, 500);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var visit = await access.Visit(caller, visitId, self: false, volunteerId);
        if (visit.Denied is not null || visit.Value is null)
        {
            return visit.Denied ?? NoVisit(visitId);
        }

        return (await grains.Visit(visit.Value.KeyOf()).Reject(caller.Sub, reason)).ToOk(view => view);
    }

    /// <summary>
    /// The request's shape only (types, required fields, raw ranges): every rule about districts, the volunteer, the
    /// household, the times and the catalogue is the visit grain's, which answers it naming the field.
    /// </summary>
    private static async Task<IResult> Backfill(string visitId, BackfillBody body, Caller caller, Access access, IGrainFactory grains)
    {
        if (access.Staff(caller) is { } denied)
        {
            return denied;
        }

        var v = new Validation();
        v.Id("visitId", visitId);
        var volunteerId = v.Id("volunteerId", body.VolunteerId);
        var householdId = v.Id("householdId", body.HouseholdId);
        var needId = NeedShape(v, body.NeedId);
        var checkedInAt = v.Time("checkedInAt", body.CheckedInAt);
        var checkedOutAt = v.Time("checkedOutAt", body.CheckedOutAt);
        var services = Services(v, body.Services);
        var notes = v.OptionalText("notes", body.Notes, 2000);
        var reason = v.Text("reason", body.Reason, 500);
        if (!v.IsValid)
        {
            return v.Problem();
        }

        var by = new Actor(caller.Sub, caller.IsOperator, [.. caller.Districts]);
        var outcome = await grains.Visit(volunteerId, visitId).Backfill(
            new Backfill(volunteerId, householdId, needId, checkedInAt, checkedOutAt, services, notes, reason, by));
        return outcome.ToResult(view => view, $"/api/v1/visits/{visitId}?volunteerId={volunteerId}");
    }

    /// <summary>A step appended now stored its audit entry with it; a replay, a refusal or a failure is audited as any request.</summary>
    private static void Audited(HttpContext http, Outcome<VisitView> outcome)
    {
        if (outcome.Audited)
        {
            AuditFilter.StoredWithChange(http);
        }
    }

    private static string? OptionalId(Validation v, string field, string? id) => string.IsNullOrEmpty(id) ? null : v.Id(field, id);

    /// <summary>An optional need: absent, or shaped as the service makes need and order ids (whether the household has it is the grains' question).</summary>
    private static string? NeedShape(Validation v, string? needId)
    {
        if (string.IsNullOrEmpty(needId))
        {
            return null;
        }

        if ((Ids.OwnerHousehold(needId, 'n') ?? Ids.OwnerHousehold(needId, 'o')) is null)
        {
            v.Add("needId", "不是需求或订单编号 / Not a need or order id");
        }

        return needId;
    }

    /// <summary>Service item ids, shaped as ids; whether each is in the catalogue is the visit grain's question.</summary>
    private static IReadOnlyList<string> Services(Validation v, IReadOnlyList<string?>? services) =>
        v.List("services", services, s => s.Length <= Ids.MaxLength);

    private static IResult? Shape(string visitId, string? volunteerId)
    {
        var v = new Validation();
        v.Id("visitId", visitId);
        OptionalId(v, "volunteerId", volunteerId);
        return v.IsValid ? null : v.Problem();
    }

    private static IResult NoVisit(string visitId) => ApiProblems.NotFound($"服务记录 {visitId} 不存在 / No visit {visitId}");
}
