using Boai.Orleans.Dashboard.Api;
using Boai.Orleans.Dashboard.Demo;
using Boai.Orleans.Dashboard.Health;
using Boai.Orleans.Dashboard.Live;
using Boai.Orleans.Dashboard.Phone;
using Boai.Orleans.Dashboard.Privacy;
using Boai.Orleans.Dashboard.Reports;
using Boai.Orleans.Dashboard.Security;
using Boai.Orleans.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;
using Orleans.Configuration;
using Orleans.Dashboard;
using OpenTelemetry.Metrics;
using Scalar.AspNetCore;

namespace Boai.Orleans.Dashboard;

/// <summary>How the dashboard host is put together: an Orleans client serving the API, the live hub and the page.</summary>
public static class DashboardHosting
{
    public static WebApplicationBuilder AddBoaiDashboard(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var grainCallTimeout = config.GetValue("Dashboard:GrainCallTimeout", TimeSpan.FromSeconds(10));
        builder.AddBoaiClusterClient(client =>
        {
            // A grain call that hangs (a silo gone, storage down) becomes a 503 in seconds, not a hung request.
            client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = grainCallTimeout);
            // The operators' cluster view (/orleans) reads what the silos' dashboard grains collect.
            client.AddDashboard();
            // Start even when the cluster comes up later than the dashboard.
            client.UseConnectionRetryFilter(async (_, cancellationToken) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
                return true;
            });
        });

        var services = builder.Services;
        builder.AddBoaiTelemetry("boai-dashboard", metrics => metrics.AddPrometheusExporter());
        // Rules, catalogue, districts, the domain's tables and the hours ledger, as the silos read them.
        services.AddBoaiDomain(config);

        builder.AddBoaiAuth();
        services.AddSingleton<Access>();
        services.AddBoaiRateLimits(config);

        services.Configure<JsonOptions>(o => ApiJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = c => c.ProblemDetails.Extensions.TryAdd("traceId", c.HttpContext.TraceIdentifier));
        services.AddExceptionHandler<ApiExceptionHandler>();

        services.AddSingleton<AuditLog>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, AuditedAuthorization>();
        services.Configure<Microsoft.AspNetCore.SignalR.HubOptions>(o => Microsoft.AspNetCore.SignalR.HubOptionsExtensions.AddFilter<AuditedHubFilter>(o));
        services.AddSingleton<LocalCalendar>();
        services.AddMemoryCache();
        services.AddSingleton<ReportCache>();
        services.AddOptions<ReportCacheOptions>().BindConfiguration(ReportCacheOptions.SectionName);
        services.AddOptions<PhotoOptions>().BindConfiguration(PhotoOptions.SectionName);
        services.AddSingleton<PhotoStore>();
        services.AddSingleton<PlacardCodes>();
        services.AddOptions<CertificateOptions>().BindConfiguration(CertificateOptions.SectionName);
        services.AddOptions<Workspace.CertificationOptions>().BindConfiguration(Workspace.CertificationOptions.SectionName);
        services.AddSingleton<Workspace.Certifier>();
        services.AddRecordsInOut();

        services.AddSignalR().AddJsonProtocol(o => ApiJson.Configure(o.PayloadSerializerOptions));
        services.AddOptions<LiveOptions>().BindConfiguration(LiveOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        // The hub's groups send through an outbox per connection, so one connection that stops reading holds up no other.
        services.AddSingleton<Microsoft.AspNetCore.SignalR.HubLifetimeManager<DashboardHub>, WatcherOutboxes<DashboardHub>>();
        services.AddSingleton<DashboardHostObserver>();
        services.AddSingleton<ClusterConnectionWatch>();
        services.AddSingleton<IClusterConnectionStatusObserver>(sp => sp.GetRequiredService<ClusterConnectionWatch>());
        services.AddHostedService<LiveHostRegistration>();

        services.AddDashboardHealth();
        services.AddDemo(config);

        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "博爱行动 Boai.Orleans API",
                Version = "v1",
                Description = "Visits, records, districts and reports of the 博爱行动 volunteer service. Live events: SignalR hub /hubs/dashboard.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "Claims: sub, role (volunteer | coordinator | operator | resident), district (repeated), household (residents).",
            };
            document.Security ??= [];
            document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", document)] = [] });
            return Task.CompletedTask;
        }));
        return builder;
    }

    public static WebApplication UseBoaiDashboard(this WebApplication app)
    {
        app.LogAuthSetup();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiBodyLimit();
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseResidentGate();
        app.UseRateLimiter();
        app.UseGrainStateAudit();
        app.UseOrleansDashboardGuard();

        app.MapDashboardHealth();
        app.MapBoaiApi();
        // A connection ends when its token does, so a revoked role or district does not live on in an open socket.
        app.MapHub<DashboardHub>(AuthSetup.HubPath, o => o.CloseOnAuthenticationExpiration = true);
        app.MapOrleansDashboardForOperators();
        // Metrics tell grain counts and rates per district: operators (a scraper with an operator's token) only.
        app.MapPrometheusScrapingEndpoint("/metrics").RequireAuthorization(AuthSetup.OperatorPolicy);
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference().AllowAnonymous();
        return app;
    }
}
