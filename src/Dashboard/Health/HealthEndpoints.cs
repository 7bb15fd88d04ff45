using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Boai.Orleans.Dashboard.Health;

public static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddDashboardHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: [ReadyTag])
            .AddCheck<StorageHealthCheck>("storage", tags: [ReadyTag]);
        return services;
    }

    /// <summary><c>/health/live</c>: the process runs. <c>/health/ready</c>: the cluster and storage answer (503 otherwise).</summary>
    public static IEndpointRouteBuilder MapDashboardHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        routes.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag) }).AllowAnonymous();
        return routes;
    }
}
