namespace Boai.Orleans.Certification;

/// <summary>The first of the two approvals a visit needs under the four-eyes rule (四眼原则): who, and when.</summary>
[GenerateSerializer, Immutable]
public sealed record FirstApproval([property: Id(0)] string By, [property: Id(1)] DateTimeOffset At);

/// <summary>
/// The first approval of a visit that needs two people to certify it (key: the visit's <c>VisitKey</c>). The certification itself stays
/// the visit's own; this grain only remembers who approved first, so the second certifier can be told apart.
/// </summary>
public interface IVisitApprovalGrain : IGrainWithStringKey
{
    Task<FirstApproval?> Get();

    /// <summary>Records the first approval; a later call keeps the first one and answers it.</summary>
    Task<FirstApproval> Approve(string by, DateTimeOffset at);
}

[GenerateSerializer]
public sealed class VisitApprovalState
{
    [Id(0)] public FirstApproval? First { get; set; }
}

public sealed class VisitApprovalGrain([PersistentState("approval")] IPersistentState<VisitApprovalState> state) : Grain, IVisitApprovalGrain
{
    public Task<FirstApproval?> Get() => Task.FromResult(state.State.First);

    public async Task<FirstApproval> Approve(string by, DateTimeOffset at)
    {
        if (state.State.First is { } first)
        {
            return first;
        }

        var approval = new FirstApproval(by, at);
        state.State.First = approval;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            state.State.First = null;
            throw;
        }

        return approval;
    }
}
