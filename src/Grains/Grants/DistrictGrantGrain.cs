using System.Collections.Immutable;
using Boai.Orleans.Districts;
using Boai.Orleans.Storage;

namespace Boai.Orleans.Grants;

[GenerateSerializer]
public sealed class DistrictGrantState
{
    /// <summary>Null until an operator first sets or removes a district of this user.</summary>
    [Id(0)] public List<string>? Districts { get; set; }
    [Id(1)] public DateTimeOffset? ChangedAt { get; set; }
    [Id(2)] public string? ChangedBy { get; set; }
}

/// <summary>One user's district grant; changed only through the operators' audited route.</summary>
public sealed class DistrictGrantGrain(
    [PersistentState("grant")] IPersistentState<DistrictGrantState> state,
    DistrictDirectory directory) : Grain, IDistrictGrantGrain
{
    public Task<DistrictGrant> Get() => Task.FromResult(View());

    public async Task<DistrictGrant> Set(ImmutableArray<string> districts, string by, DateTimeOffset at)
    {
        var next = new DistrictGrantState
        {
            Districts = districts.Where(d => directory.Find(d) is not null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            ChangedAt = at,
            ChangedBy = by,
        };
        await state.WriteOrReloadAsync(next, this);
        return View();
    }

    public async Task<DistrictGrant> Remove(string districtId, string by, DateTimeOffset at)
    {
        // Never managed here: the token's claims stood alone, so "all districts but this one" keeps the rest as it was.
        var current = state.State.Districts ?? directory.All.Select(d => d.DistrictId).ToList();
        var next = new DistrictGrantState
        {
            Districts = current.Where(d => !string.Equals(d, districtId, StringComparison.Ordinal)).ToList(),
            ChangedAt = at,
            ChangedBy = by,
        };
        await state.WriteOrReloadAsync(next, this);
        return View();
    }

    private DistrictGrant View() => new(
        this.GetPrimaryKeyString(),
        state.State.Districts is { } granted ? [.. granted] : null,
        state.State.ChangedAt,
        state.State.ChangedBy);
}
