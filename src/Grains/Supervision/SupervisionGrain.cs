using Boai.Orleans.Storage;
using Boai.Orleans.Model;

namespace Boai.Orleans.Supervision;

[GenerateSerializer]
public sealed class SupervisionState
{
    [Id(0)] public List<SupervisionOrder> Orders { get; set; } = [];
}

public sealed class SupervisionGrain([PersistentState("supervision")] IPersistentState<SupervisionState> state, TimeProvider time)
    : Grain, ISupervisionGrain
{
    private string DistrictId => this.GetPrimaryKeyString();

    private SupervisionOrder? OpenOrder => state.State.Orders.FirstOrDefault(o => o.Open);

    public async Task<SupervisionOrder?> MonthEnded(string month, double rate, double threshold)
    {
        if (rate > threshold || OpenOrder is not null || state.State.Orders.Any(o => o.Month == month))
        {
            return null;
        }

        var order = new SupervisionOrder($"{DistrictId}~{month}", DistrictId, month, rate, threshold, time.GetUtcNow(), []);
        await state.WriteOrReloadAsync(new SupervisionState { Orders = [.. state.State.Orders, order] }, this);
        return order;
    }

    public async Task<SupervisionOrder?> RateNow(double rate, double threshold)
    {
        if (OpenOrder is not { } open || rate <= threshold)
        {
            return null;
        }

        var closed = open with { ClosedAt = time.GetUtcNow(), RateAtClose = rate };
        await state.WriteOrReloadAsync(new SupervisionState { Orders = [.. state.State.Orders.Select(o => o.OrderId == open.OrderId ? closed : o)] }, this);
        return closed;
    }

    public async Task<Outcome<SupervisionOrder>> Respond(string orderId, string actions, DateOnly targetDate, string by)
    {
        if (state.State.Orders.FirstOrDefault(o => o.OrderId == orderId) is not { } order)
        {
            return Failure.NotFound("督办单不存在 / No such supervision order");
        }

        if (!order.Open)
        {
            return Failure.Conflict("督办单已办结 / The supervision order is closed", "closed");
        }

        var answered = order with { Responses = [.. order.Responses, new SupervisionResponse(actions, targetDate, by, time.GetUtcNow())] };
        await state.WriteOrReloadAsync(new SupervisionState { Orders = [.. state.State.Orders.Select(o => o.OrderId == orderId ? answered : o)] }, this);
        return Outcome<SupervisionOrder>.Ok(answered);
    }

    public Task<IReadOnlyList<SupervisionOrder>> GetOrders() =>
        Task.FromResult<IReadOnlyList<SupervisionOrder>>([.. state.State.Orders.OrderByDescending(o => o.OpenedAt)]);

}
