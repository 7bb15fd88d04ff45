using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Security;
using Microsoft.AspNetCore.Http.Metadata;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>The <c>/api/v1</c> surface: every area behind a token, a body size limit and the audit filter.</summary>
public static class ApiRoutes
{
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapBoaiApi(this IEndpointRouteBuilder routes)
    {
        routes.MapDevTokenApi();

        var api = routes.MapGroup("/api/v1")
            .RequireAuthorization(AuthSetup.CallerPolicy)
            .WithMetadata(new BodySizeLimit(MaxBodyBytes))
            .AddEndpointFilter<AuditFilter>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);

        api.MapVisitsApi()
            .MapVolunteersApi()
            .MapHouseholdsApi()
            .MapPairingsApi()
            .MapDistrictsApi()
            .MapCatalogueApi()
            .MapTeamsApi()
            .MapReportsApi()
            .MapSuggestionsApi();

        // An unknown API path is a problem+json 404, whatever serves the rest of the site.
        routes.Map("/api/{**path}", () => ApiProblems.NotFound("没有这个接口 / No such route"))
            .AllowAnonymous()
            .ExcludeFromDescription()
            .Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
        return routes;
    }

    private sealed record BodySizeLimit(long? MaxRequestBodySize) : IRequestSizeLimitMetadata;
}
