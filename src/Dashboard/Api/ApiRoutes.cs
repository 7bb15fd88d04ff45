using Boai.Orleans.Dashboard.Certificates;
using Boai.Orleans.Dashboard.Demo;
using Boai.Orleans.Dashboard.Imports;
using Boai.Orleans.Dashboard.Phone;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Reports;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Dashboard.Workspace;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Api;

/// <summary>The <c>/api/v1</c> surface: every area behind a token, a body size limit and the audit filter.</summary>
public static class ApiRoutes
{
    public const long MaxBodyBytes = 64 * 1024;

    public static IEndpointRouteBuilder MapBoaiApi(this IEndpointRouteBuilder routes)
    {
        routes.MapDevTokenApi();
        routes.MapDemoAccountsApi();

        var api = routes.MapGroup("/api/v1")
            .RequireAuthorization(AuthSetup.CallerPolicy)
            .AddEndpointFilter<AuditFilter>()
            .AddEndpointFilter<RouteIdFilter>()
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
            .MapSuggestionsApi()
            .MapPlanApi()
            .MapOrdersApi()
            .MapCertificationApi()
            .MapWorkspaceRecordsApi()
            .MapDistrictTeamsApi()
            .MapSearchApi()
            .MapImportsApi()
            .MapCertificatesApi()
            .MapSupervisionApi()
            .MapDistrictReportsApi()
            .MapTrainingsApi()
            .MapAuditApi()
            .MapPhoneApi()
            .MapServiceRecordsApi()
            .MapResidentApi()
            .MapDistrictGrantsApi()
            .MapSessionsApi();
        routes.MapCertificateVerification();

        // An unknown API path is a problem+json 404, whatever serves the rest of the site.
        routes.Map("/api/{**path}", () => ApiProblems.NotFound("没有这个接口 / No such route"))
            .AllowAnonymous()
            .ExcludeFromDescription()
            .Add(b => ((RouteEndpointBuilder)b).Order = int.MaxValue);
        return routes;
    }

    /// <summary>
    /// API bodies are small JSON documents: a declared length over <see cref="MaxBodyBytes"/> is refused at once (413),
    /// and the server stops reading an undeclared one there.
    /// </summary>
    public static IApplicationBuilder UseApiBodyLimit(this IApplicationBuilder app) =>
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.Use(async (context, next) =>
        {
            // Import uploads (workbooks) and visit photos have limits of their own.
            var max = ImportsApi.BodyLimit(context)
                ?? (ServiceRecordsApi.IsPhotoUpload(context.Request)
                    ? context.RequestServices.GetRequiredService<IOptions<PhotoOptions>>().Value.MaxBytes
                    : MaxBodyBytes);
            if (context.Request.ContentLength > max)
            {
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = context,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status413PayloadTooLarge,
                        Title = ApiProblems.TooLargeTitle,
                        Detail = max == MaxBodyBytes ? null : ImportsApi.TooLargeDetail,
                    },
                });
                return;
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = max;
            }

            await next(context);
        }));
}
