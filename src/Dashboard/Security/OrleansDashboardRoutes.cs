using Microsoft.AspNetCore.Http.HttpResults;
using Orleans.Dashboard;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// The cluster view of <c>Microsoft.Orleans.Dashboard</c> under <c>/orleans</c>, for operators only: it shows silos,
/// grain types and counts, and can show grain state, so it is never anonymous. Its page fetches its data without a
/// bearer header, so an operator first asks <c>POST /api/v1/operator/orleans-session</c> (with the bearer token) for
/// a short-lived HttpOnly, SameSite=Strict cookie scoped to <c>/orleans</c> that carries a token of its own.
/// </summary>
public static class OrleansDashboardRoutes
{
    public const string Path = "/orleans";

    public const string CookieName = "boai.orleans";

    /// <summary>How long the cookie's token lives; the page asks for a new one each time it opens the view.</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(15);

    public static IEndpointRouteBuilder MapOrleansDashboardForOperators(this IEndpointRouteBuilder routes)
    {
        // Its endpoints serve its own page, not API clients: they are not part of the API's description.
        routes.MapOrleansDashboard(Path).RequireAuthorization(AuthSetup.OperatorPolicy).ExcludeFromDescription();
        routes.MapPost("/api/v1/operator/orleans-session", OpenSession)
            .RequireAuthorization(AuthSetup.OperatorPolicy)
            .WithTags("Operations")
            .WithSummary("Opens the Orleans cluster view: sets a short-lived HttpOnly cookie for /orleans (operators only)")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }

    private static NoContent OpenSession(HttpContext http, Caller caller, TokenSigning signing)
    {
        // With an external authority this service cannot sign: the caller's own token goes into the cookie.
        var token = signing.Key is null
            ? http.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.OrdinalIgnoreCase)
            : signing.Issue(caller.Sub, Roles.Operator, [], SessionLifetime).Token;
        http.Response.Cookies.Append(CookieName, token, new CookieOptions
        {
            HttpOnly = true,
            Secure = http.Request.IsHttps,
            SameSite = SameSiteMode.Strict,
            Path = Path,
            MaxAge = SessionLifetime,
        });
        return TypedResults.NoContent();
    }
}
