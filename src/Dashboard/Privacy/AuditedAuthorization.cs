using Boai.Orleans.Dashboard.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Boai.Orleans.Dashboard.Privacy;

/// <summary>
/// Accesses refused by a route's policy (a volunteer at an operator's route) are denied accesses too: audited like the
/// API's own 403s, before the answer. Unauthenticated requests (401) are not attributable to anyone and are not stored.
/// </summary>
public sealed class AuditedAuthorization(AuditLog audit, TimeProvider time) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && Caller.From(context.User) is { } caller)
        {
            await audit.RecordAsync(AuditFilter.Entry(context, caller, AuditLog.Denied, StatusCodes.Status403Forbidden, time.GetUtcNow()), context.RequestAborted);
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}

/// <summary>The operators' grain-state view in the Orleans dashboard reads stored records: audited with the grain it showed.</summary>
public static class GrainStateAudit
{
    /// <summary>After authorization (only operators get here): the entry is stored before the view answers.</summary>
    public static IApplicationBuilder UseGrainStateAudit(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments(PersonalData.GrainStatePath, StringComparison.OrdinalIgnoreCase), view => view.Use(async (context, next) =>
        {
            if (Caller.From(context.User) is { IsOperator: true } caller)
            {
                var entry = AuditFilter.Entry(context, caller, AuditLog.Read, StatusCodes.Status200OK, context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow())
                    with { Route = PersonalData.GrainStatePath, ObjectId = context.Request.QueryString.Value ?? string.Empty };
                await context.RequestServices.GetRequiredService<AuditLog>().RecordAsync(entry, context.RequestAborted);
            }

            await next(context);
        }));
}
