using System.Globalization;
using System.Threading.RateLimiting;
using Boai.Orleans.Dashboard.Api;
using Microsoft.AspNetCore.Mvc;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>The per-user token bucket of the visit routes (section <c>RateLimits:Visits</c>).</summary>
public sealed class VisitRateLimitOptions
{
    public const string SectionName = "RateLimits:Visits";

    /// <summary>Burst: a phone coming back online uploads its queue at once.</summary>
    public int TokenLimit { get; set; } = 30;

    public int TokensPerPeriod { get; set; } = 30;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The per-user token bucket every route shares (section <c>RateLimits:PerUser</c>); callers without a token are
/// counted by address. The visit routes have a tighter bucket of their own on top.
/// </summary>
public sealed class PerUserRateLimitOptions
{
    public const string SectionName = "RateLimits:PerUser";

    /// <summary>Burst: the page reads every district's snapshot when it opens.</summary>
    public int TokenLimit { get; set; } = 300;

    public int TokensPerPeriod { get; set; } = 300;

    public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromMinutes(1);
}

public static class RateLimits
{
    public static IServiceCollection AddBoaiRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var visits = configuration.GetSection(VisitRateLimitOptions.SectionName).Get<VisitRateLimitOptions>() ?? new VisitRateLimitOptions();
        var perUser = configuration.GetSection(PerUserRateLimitOptions.SectionName).Get<PerUserRateLimitOptions>() ?? new PerUserRateLimitOptions();
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsExempt(http)
                    ? RateLimitPartition.GetNoLimiter(string.Empty)
                    : RateLimitPartition.GetTokenBucketLimiter(
                        PartitionOf(http),
                        _ => new TokenBucketRateLimiterOptions
                        {
                            TokenLimit = perUser.TokenLimit,
                            TokensPerPeriod = perUser.TokensPerPeriod,
                            ReplenishmentPeriod = perUser.ReplenishmentPeriod,
                            QueueLimit = 0,
                            AutoReplenishment = true,
                        }));
            options.AddPolicy(VisitsApi.RateLimitPolicy, http =>
                RateLimitPartition.GetTokenBucketLimiter(
                    Caller.From(http.User)?.Sub ?? string.Empty,
                    _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = visits.TokenLimit,
                        TokensPerPeriod = visits.TokensPerPeriod,
                        ReplenishmentPeriod = visits.ReplenishmentPeriod,
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            options.OnRejected = async (context, cancellationToken) =>
            {
                var http = context.HttpContext;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : perUser.ReplenishmentPeriod;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = ApiProblems.TooManyTitle },
                });
            };
        });
        return services;
    }

    /// <summary>Who a request counts against: the token's subject, else the client's address.</summary>
    private static string PartitionOf(HttpContext http) =>
        Caller.From(http.User) is { } caller ? "user:" + caller.Sub : "ip:" + http.Connection.RemoteIpAddress;

    /// <summary>Probes and scrapes come from the platform on a schedule, not from users.</summary>
    private static bool IsExempt(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/health") || http.Request.Path.StartsWithSegments("/metrics");
}
