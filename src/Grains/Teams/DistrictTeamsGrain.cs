using Boai.Orleans.Storage;

namespace Boai.Orleans.Teams;

/// <summary>The service teams of one district (key: district id), so a district's teams are listed without a scan.</summary>
public interface IDistrictTeamsGrain : IGrainWithStringKey
{
    Task Add(string teamId);

    Task Remove(string teamId);

    Task<IReadOnlyList<string>> List();
}

[GenerateSerializer]
public sealed class DistrictTeamsState
{
    [Id(0)] public SortedSet<string> Teams { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>A district's set of team ids; each change is stored before it is acknowledged, and a repeat changes nothing.</summary>
public sealed class DistrictTeamsGrain([PersistentState("teams")] IPersistentState<DistrictTeamsState> state) : Grain, IDistrictTeamsGrain
{
    public async Task Add(string teamId)
    {
        if (state.State.Teams.Contains(teamId))
        {
            return;
        }

        var next = new SortedSet<string>(state.State.Teams, StringComparer.Ordinal) { teamId };
        await WriteAsync(next);
    }

    public async Task Remove(string teamId)
    {
        if (!state.State.Teams.Contains(teamId))
        {
            return;
        }

        var next = new SortedSet<string>(state.State.Teams, StringComparer.Ordinal);
        next.Remove(teamId);
        await WriteAsync(next);
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.Teams.ToList());

    /// <summary>The new set is stored; a failed write reads storage back, so memory is what storage holds.</summary>
    private Task WriteAsync(SortedSet<string> next) =>
        state.WriteOrReloadAsync(new DistrictTeamsState { Teams = next }, this);
}
