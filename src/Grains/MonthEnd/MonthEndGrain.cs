using Boai.Orleans.Storage;

namespace Boai.Orleans.MonthEnd;

[GenerateSerializer]
public sealed class MonthEndState
{
    [Id(0)] public Dictionary<string, MonthEndFigures> Months { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>
/// Month-end figures of a district. The first record of a month stays: a clock that runs again after a restart, or a
/// second silo's clock, never replaces the figures taken at the month's end with later ones.
/// </summary>
public sealed class MonthEndGrain([PersistentState("monthEnd")] IPersistentState<MonthEndState> state) : Grain, IMonthEndGrain
{
    public async Task<MonthEndFigures> Record(MonthEndFigures figures)
    {
        if (state.State.Months.TryGetValue(figures.Month, out var kept))
        {
            return kept;
        }

        var next = new MonthEndState { Months = new(state.State.Months, StringComparer.Ordinal) { [figures.Month] = figures } };
        await state.WriteOrReloadAsync(next, this);
        return figures;
    }

    public Task<MonthEndFigures?> Get(string month) => Task.FromResult(state.State.Months.GetValueOrDefault(month));
}
