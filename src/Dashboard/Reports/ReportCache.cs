using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Boai.Orleans.Dashboard.Reports;

/// <summary>How long a computed report is reused (section <c>Reports</c>); zero computes every request.</summary>
public sealed class ReportCacheOptions
{
    public const string SectionName = "Reports";

    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Reports that read a district's whole month of the ledger are computed at most once per
/// <see cref="ReportCacheOptions.CacheDuration"/> per district and month, however many ask: a caller repeating the
/// request costs memory, not storage queries. Who may read it, and the audit, are still decided on every request.
/// </summary>
public sealed class ReportCache(IMemoryCache cache, IOptions<ReportCacheOptions> options)
{
    public async Task<T> GetOrCreateAsync<T>(string key, Func<Task<T>> create)
    {
        var duration = options.Value.CacheDuration;
        if (duration <= TimeSpan.Zero)
        {
            return await create();
        }

        if (cache.TryGetValue(key, out T? cached) && cached is not null)
        {
            return cached;
        }

        var value = await create();
        cache.Set(key, value, duration);
        return value;
    }
}
