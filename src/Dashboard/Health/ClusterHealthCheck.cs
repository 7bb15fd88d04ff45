using Boai.Orleans.Districts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Boai.Orleans.Dashboard.Health;

/// <summary>Ready when a silo answers a cheap grain call (the first district's summary) in time.</summary>
public sealed class ClusterHealthCheck(IGrainFactory grains, DistrictDirectory districts) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrain<IDistrictGrain>(districts.All[0].DistrictId).GetSummary().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The cluster does not answer.", ex);
        }
    }
}
