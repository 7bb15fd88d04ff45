using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>An audit entry as the search shows it.</summary>
public sealed record AuditEntryDto(
    DateTimeOffset At, string Sub, string Role, string Action, string Method, string Route, string ObjectId, int Status, string? TraceId)
{
    public static AuditEntryDto From(AuditEntry e) => new(e.At, e.Sub, e.Role, e.Action, e.Method, e.Route, e.ObjectId, e.Status, e.TraceId);
}

/// <summary>The operators' search of the audit log: "who read household X", "what did user Y read".</summary>
public static class AuditApi
{
    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("/operator/audit", Search)
            .RequireAuthorization(AuthSetup.OperatorPolicy)
            .WithTags("Operations")
            .WithSummary("Searches the audit log (operators): ?objectId= (an id, e.g. a household), ?sub= (a user), ?action=read|change|denied, "
                + "?from=&to= (yyyy-MM-dd, UTC days, at most 31, default today). Newest first, at most 500.")
            .Produces<IReadOnlyList<AuditEntryDto>>().ProducesValidationProblem().ProducesProblem(403);
        return api;
    }

    private static async Task<IResult> Search(
        string? objectId, string? sub, string? action, string? from, string? to, AuditLog audit, TimeProvider time, CancellationToken cancellationToken)
    {
        var v = new Validation();
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var end = v.Day("to", to) ?? today;
        var start = v.Day("from", from) ?? end;
        if (end < start)
        {
            v.Add("to", "应不早于开始日期 / Must not be before from");
        }
        else if (end.DayNumber - start.DayNumber >= AuditLog.MaxSearchDays)
        {
            v.Add("from", $"最多查询 {AuditLog.MaxSearchDays} 天 / At most {AuditLog.MaxSearchDays} days");
        }

        var subject = string.IsNullOrEmpty(sub) ? null : v.Text("sub", sub, 200);
        var objectPart = string.IsNullOrEmpty(objectId) ? null : v.Text("objectId", objectId, 200);
        if (!string.IsNullOrEmpty(action) && action is not (AuditLog.Read or AuditLog.Change or AuditLog.Denied))
        {
            v.Add("action", $"可选值 / One of: {AuditLog.Read}, {AuditLog.Change}, {AuditLog.Denied}");
        }

        if (!v.IsValid)
        {
            return v.Problem();
        }

        var entries = await audit.SearchAsync(start, end, subject, objectPart, string.IsNullOrEmpty(action) ? null : action, cancellationToken);
        return TypedResults.Ok(entries.Select(AuditEntryDto.From).ToList());
    }
}
