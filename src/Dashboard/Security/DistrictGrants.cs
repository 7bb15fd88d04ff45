using System.Collections.Concurrent;
using System.Collections.Immutable;
using Boai.Orleans.Grants;

namespace Boai.Orleans.Dashboard.Security;

/// <summary>
/// This host's view of users' district grants (<see cref="IDistrictGrantGrain"/>): read at most
/// <see cref="AuthOptions.GrantCacheDuration"/> ago, dropped at once when a change passes through this host.
/// </summary>
public sealed class DistrictGrants(IGrainFactory grains, AuthOptions options, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, (DistrictGrant Grant, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The user's grant; <paramref name="fresh"/> reads it from its grain whatever the cache holds.</summary>
    public async ValueTask<DistrictGrant> CurrentAsync(string sub, bool fresh = false)
    {
        var now = time.GetUtcNow();
        if (!fresh && _cache.TryGetValue(sub, out var cached) && now - cached.ReadAt < options.GrantCacheDuration)
        {
            return cached.Grant;
        }

        var grant = await grains.GetGrain<IDistrictGrantGrain>(sub).Get();
        _cache[sub] = (grant, now);
        return grant;
    }

    /// <summary>Of the districts a token claims, those the user's grant still allows.</summary>
    public async ValueTask<IReadOnlySet<string>> AllowedAsync(string sub, IEnumerable<string> claimed, bool fresh = false)
    {
        var grant = await CurrentAsync(sub, fresh);
        return claimed.Where(grant.Allows).ToHashSet(StringComparer.Ordinal);
    }

    public async Task<DistrictGrant> SetAsync(string sub, ImmutableArray<string> districts, string by)
    {
        var grant = await grains.GetGrain<IDistrictGrantGrain>(sub).Set(districts, by, time.GetUtcNow());
        _cache[sub] = (grant, time.GetUtcNow());
        return grant;
    }

    public async Task<DistrictGrant> RemoveAsync(string sub, string districtId, string by)
    {
        var grant = await grains.GetGrain<IDistrictGrantGrain>(sub).Remove(districtId, by, time.GetUtcNow());
        _cache[sub] = (grant, time.GetUtcNow());
        return grant;
    }

    /// <summary>Drops what has outlived the cache duration, so users gone quiet do not stay in memory.</summary>
    public void Prune()
    {
        var now = time.GetUtcNow();
        foreach (var (sub, entry) in _cache)
        {
            if (now - entry.ReadAt >= options.GrantCacheDuration)
            {
                _cache.TryRemove(new KeyValuePair<string, (DistrictGrant, DateTimeOffset)>(sub, entry));
            }
        }
    }
}
